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
     */
    public static LaunchOptions defaults() {
        String user = System.getProperty("user.name", "user");
        return new LaunchOptions("/tmp/qemu-reactor-" + user, Optional.empty(), Duration.ofSeconds(30),
                QmpResources.shared(), false);
    }

    public LaunchOptions withRunBase(String folder) {
        return new LaunchOptions(folder, qemuBinary, qmpConnectTimeout, resources, keepRunFolderOnFailure);
    }

    public LaunchOptions withQemuBinary(String program) {
        return new LaunchOptions(runBase, Optional.of(program), qmpConnectTimeout, resources, keepRunFolderOnFailure);
    }

    public LaunchOptions withQmpConnectTimeout(Duration timeout) {
        return new LaunchOptions(runBase, qemuBinary, timeout, resources, keepRunFolderOnFailure);
    }

    public LaunchOptions withResources(QmpResources loops) {
        return new LaunchOptions(runBase, qemuBinary, qmpConnectTimeout, loops, keepRunFolderOnFailure);
    }

    public LaunchOptions withKeepRunFolderOnFailure(boolean keep) {
        return new LaunchOptions(runBase, qemuBinary, qmpConnectTimeout, resources, keep);
    }
}
