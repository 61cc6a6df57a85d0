package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.vm.GuestNic;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VcpuThread;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code boot}'s report of a booted fleet: what came up (vCPU threads from QMP, guest NICs from the agent) and what did not. */
final class BootFacts {

    /** Bound on looking up a booted VM's vCPU threads and guest NICs. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    private BootFacts() {
    }

    /** The report of {@code result}: its VMs' lookups run one after the other, each bounded by {@link #LOOKUP_TIMEOUT}. */
    static Mono<BootReport> report(FleetResult result, List<FleetMember> members, List<FleetHost> fleetHosts, long wallMillis) {
        Map<String, Integer> ids = new HashMap<>();
        members.forEach(m -> ids.put(m.name(), m.spec().id()));
        return Flux.fromIterable(result.running())
                .concatMap(vm -> describe(vm, result.hostOf(vm.name()).orElse(vm.host().name())))
                .collectList()
                .map(vms -> {
                    List<BootReport.Failed> failed = result.failed().stream()
                            .map(f -> new BootReport.Failed(ids.getOrDefault(f.vmName(), 0), f.vmName(), f.host(),
                                    FailureText.reason(f)))
                            .sorted(Comparator.comparingInt(BootReport.Failed::id))
                            .toList();
                    return new BootReport(wallMillis, fleetHosts.stream().map(FleetHost::name).toList(), vms, failed);
                });
    }

    /** The table's facts of one VM: vCPU threads from QMP, guest NICs from the agent when it has both. */
    private static Mono<BootReport.Vm> describe(RunningVm vm, String host) {
        Mono<List<VcpuThread>> vcpus = vm.vcpuThreads().timeout(LOOKUP_TIMEOUT).onErrorReturn(List.of());
        return Mono.zip(vcpus, guestNics(vm))
                .map(t -> BootReport.Vm.of(vm, host, t.getT1(), t.getT2().nics(), t.getT2().error()));
    }

    private record Nics(List<GuestNic> nics, Optional<String> error) {
    }

    private static Mono<Nics> guestNics(RunningVm vm) {
        if (vm.spec().nics().isEmpty()) {
            return Mono.just(new Nics(List.of(), Optional.empty()));
        }
        if (!vm.spec().qgaIsaSerial() && !vm.spec().qgaVirtioSerial()) {
            return Mono.just(new Nics(List.of(), Optional.of("the VM has no guest agent channel")));
        }
        return vm.guestInterfaces().timeout(LOOKUP_TIMEOUT)
                .map(list -> new Nics(list, Optional.empty()))
                .onErrorResume(e -> Mono.just(new Nics(List.of(), Optional.of(FailureText.oneLine(FailureText.unwrap(e))))));
    }
}
