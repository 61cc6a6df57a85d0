package io.qemureactor.core.fleet;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.launch.RunFolderPreparer;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import reactor.core.publisher.Mono;

/**
 * What a fleet needs of a launcher: {@code QemuLauncher::start} (with a run folder preparer). A seam so the unit tests can
 * inject failures and delays; a fleet in production always uses {@code QemuLauncher}.
 */
@FunctionalInterface
interface VmStarter {

    /**
     * Starts {@code spec} on {@code host}, {@code preparer} writing into its run folder first; completes
     * when {@code probe} says ready; cancel stops it.
     */
    Mono<RunningVm> start(Host host, VmSpec spec, BootProbe probe, RunFolderPreparer preparer);
}
