package io.qemureactor.core.fleet;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import reactor.core.publisher.Mono;

/**
 * How a member that is not booted comes up, e.g. a clone restored from a VM template
 * ({@code TemplateRestorer.member}): given the host the fleet placed it on, its spec, and the probe to
 * run (the member's, wrapped by the fleet to report its progress), a cold Mono that completes with the
 * ready VM and whose cancel stops what it started, like {@code QemuLauncher.start}.
 */
@FunctionalInterface
public interface MemberStarter {

    /**
     * Brings the VM up on {@code host}. Cold: nothing happens until subscribed; cancelling stops what
     * it started.
     *
     * @param host the host the fleet placed the member on
     * @param spec the member's spec
     * @param probe the probe to run to tell it is ready
     * @return a cold Mono of the ready VM
     */
    Mono<RunningVm> start(Host host, VmSpec spec, BootProbe probe);
}
