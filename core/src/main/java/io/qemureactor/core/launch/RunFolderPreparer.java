package io.qemureactor.core.launch;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.spec.VmSpec;
import reactor.core.publisher.Mono;

/**
 * A step of {@link QemuLauncher#start(Host, VmSpec, io.qemureactor.core.probe.BootProbe, RunFolderPreparer)}
 * that runs once the VM's run folder exists and before QEMU starts: it may write files into the folder
 * (through {@link Host#writeFile}) and returns the spec to launch, which may name those files.
 *
 * <p>Made for kernel VMs, whose init script and configuration files live in the run folder and whose
 * kernel command line names the script ({@code init=RUN/init.sh}); the folder's name (the VM's name
 * plus a random suffix) is only known inside the launch. What the preparer writes is removed with the
 * run folder: on shutdown, kill, and on any launch failure or cancel, including its own.
 *
 * <p>The returned spec must keep the VM's name (the run folder and every message use it). It is
 * rendered into the command line again, but the launcher's host checks (emulator, boot files, huge
 * pages) ran on the spec given to {@code start}: a preparer should change what lives in the run folder,
 * not point at other host files.
 */
@FunctionalInterface
public interface RunFolderPreparer {

    /**
     * Prepares {@code runFolder} on {@code host} for {@code spec}.
     *
     * @param host the VM's host
     * @param runFolder the run folder's absolute path on the host: created, private (0700), holding nothing
     *     of QEMU's yet
     * @param spec the spec given to the launcher
     * @return the spec to launch ({@code spec} itself when nothing changes); an error fails the launch,
     *     which removes the run folder
     */
    Mono<VmSpec> prepare(Host host, String runFolder, VmSpec spec);

    /**
     * Writes nothing and launches the spec as given: what {@link QemuLauncher#start(Host, VmSpec, io.qemureactor.core.probe.BootProbe)} uses.
     *
     * @return the shared no-op preparer
     */
    static RunFolderPreparer none() {
        return NoPreparation.INSTANCE;
    }

    /** The no-op preparer, a singleton so that the launcher can skip the step (and the second render). */
    enum NoPreparation implements RunFolderPreparer {
        /**
         * The only instance.
         */
        INSTANCE;

        @Override
        public Mono<VmSpec> prepare(Host host, String runFolder, VmSpec spec) {
            return Mono.just(spec);
        }
    }
}
