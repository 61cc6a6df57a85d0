package io.qemureactor.examples.snippets;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.Topology;
import io.qemureactor.core.launch.QemuLauncher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Mono;

/** docs/fleet.md's topology example, verbatim (DocSnippetsTest checks it; DocSnippetsIT runs it). */
final class TopologyDocSnippet {

    private TopologyDocSnippet() {
    }

    static Map<String, String> run(Path topologyFile, QemuLauncher launcher, List<FleetMember> members) {
        Topology topology = Topology.load(topologyFile);                   // e.g. Path.of("topology.json")
        Map<String, String> placement = Mono.usingWhen(Mono.just(topology),
                        t -> Fleet.boot(launcher, t.fleetHosts(), members, FleetOptions.defaults())
                                .using(result -> Mono.just(result.placement())),   // VM name -> host name
                        Topology::close)                                       // the SSH sessions, after the VMs
                .block();
        return placement;
    }
}
