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

    Mono<RunningVm> start(Host host, VmSpec spec, BootProbe probe);
}
