package io.qemureactor.examples.snippets;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Flux;

/** docs/fleet.md's first example, verbatim (DocSnippetsTest checks it; DocSnippetsIT runs it). */
final class FleetDocSnippet {

    private FleetDocSnippet() {
    }

    static List<String> run() {
        QemuLauncher launcher = QemuLauncher.withDefaults();

        List<String> kernels = GuestKit.ensure()                          // the test guest, built the first time
                .flatMap(kit -> {
                    List<FleetMember> members = List.of(
                            FleetMember.of(kit.spec(1, Flavour.DEFAULT).build(), kit.readyProbe()).pinning(1),
                            FleetMember.of(kit.spec(2, Flavour.DEFAULT).build(), kit.readyProbe()),
                            FleetMember.of(kit.spec(3, Flavour.DEFAULT).build(), BootProbe.qga()));
                    Fleet fleet = Fleet.boot(launcher, members, FleetOptions.defaults());
                    fleet.events().subscribe(e -> System.out.println(e));  // progress, replayed for late subscribers
                    return fleet.using(result -> Flux.fromIterable(result.running())   // the boot starts here
                            .flatMap(vm -> vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r")))
                            .map(r -> r.stdout().strip())
                            .collectList()
                            .timeout(Duration.ofMinutes(2)));             // inside: a failure whose stop is awaited
                })
                .block();            // the program's edge, its one block(): here every VM is gone, whatever happened
        return kernels;
    }
}
