package io.qemureactor.core.launch;

import io.qemureactor.transport.QmpResources;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link QemuLauncher} launches: where run folders go, which QEMU binary, the connection
 * bounds, and the event loops the sessions share. Immutable; {@code with*} returns a copy.
 *
 * @param runBase          the folder on each host that holds the VMs' run folders
 * @param qemuBinary       the emulator to run; empty: the spec's arch decides ({@code qemu-system-x86_64})
 * @param qmpConnectTimeout how long QEMU may take to open its monitor
 * @param resources        the event loops of every QMP, QGA and console session
 * @param keepRunFolderOnFailure leave a failed VM's run folder (logs, sockets) for inspection
 */
public record LaunchOptions(String runBase, Optional<String> qemuBinary, Duration qmpConnectTimeout,
                            QmpResources resources, boolean keepRunFolderOnFailure) {

    /**
     * Checks the components.
     *
     * @param runBase absolute folder on each host for run folders
     * @param qemuBinary the emulator, or empty for the spec's arch default
     * @param qmpConnectTimeout how long QEMU may take to open its monitor
     * @param resources the event loops the sessions use
     * @param keepRunFolderOnFailure whether a failed VM's run folder is kept
     * @throws IllegalArgumentException if {@code runBase} is not absolute
     * @throws NullPointerException for a null component
     */
    public LaunchOptions {
        Objects.requireNonNull(runBase, "runBase");
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(qmpConnectTimeout, "qmpConnectTimeout");
        Objects.requireNonNull(resources, "resources");
        if (!runBase.startsWith("/")) {
            throw new IllegalArgumentException("runBase must be an absolute path, got " + runBase);
        }
    }

    /**
     * Run folders under {@code /tmp/qemu-reactor-UID} (short, so socket paths stay under the
     * 107-byte limit), the spec's emulator, 30 s for QMP, the shared event loops.
     *
     * @return the default options
     */
    public static LaunchOptions defaults() {
        String user = System.getProperty("user.name", "user");
        return new LaunchOptions("/tmp/qemu-reactor-" + user, Optional.empty(), Duration.ofSeconds(30),
                QmpResources.shared(), false);
    }

    /**
     * These options with another run base.
     *
     * @param folder absolute folder on each host
     * @return a copy; fails with {@link IllegalArgumentException} if {@code folder} is not absolute
     */
    public LaunchOptions withRunBase(String folder) {
        return new LaunchOptions(folder, qemuBinary, qmpConnectTimeout, resources, keepRunFolderOnFailure);
    }

    /**
     * These options with an explicit emulator, whatever the spec's arch.
     *
     * @param program the QEMU binary name or path on the host
     * @return a copy
     */
    public LaunchOptions withQemuBinary(String program) {
        return new LaunchOptions(runBase, Optional.of(program), qmpConnectTimeout, resources, keepRunFolderOnFailure);
    }

    /**
     * These options with another QMP connect bound.
     *
     * @param timeout how long QEMU may take to open its monitor
     * @return a copy
     */
    public LaunchOptions withQmpConnectTimeout(Duration timeout) {
        return new LaunchOptions(runBase, qemuBinary, timeout, resources, keepRunFolderOnFailure);
    }

    /**
     * These options with other event loops.
     *
     * @param loops the event loops the sessions use
     * @return a copy
     */
    public LaunchOptions withResources(QmpResources loops) {
        return new LaunchOptions(runBase, qemuBinary, qmpConnectTimeout, loops, keepRunFolderOnFailure);
    }

    /**
     * These options keeping (or not) a failed VM's run folder for inspection.
     *
     * @param keep true to keep it
     * @return a copy
     */
    public LaunchOptions withKeepRunFolderOnFailure(boolean keep) {
        return new LaunchOptions(runBase, qemuBinary, qmpConnectTimeout, resources, keep);
    }
}
