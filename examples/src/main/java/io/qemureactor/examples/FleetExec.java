package io.qemureactor.examples;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Boots N test guests at once as a {@link Fleet}, runs {@code uname -r} in each through its guest
 * agent, prints the results, shuts the fleet down. One pipeline; {@code block()} only here, at the
 * edge of the program. If any guest fails to boot, the fleet stops the others (all-or-nothing) and
 * the error says which and why.
 *
 * <p>Run: {@code java -cp examples/target/qemu-reactor-examples.jar
 * io.qemureactor.examples.FleetExec [N]} (default 3).
 */
public final class FleetExec {

    private FleetExec() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        QemuLauncher launcher = QemuLauncher.withDefaults();
        // TCG: software emulation works everywhere (use Accelerator.AUTO to get KVM where it really runs)
        GuestKit.ensure()                                   // the test guest, built the first time
                .map(kit -> IntStream.rangeClosed(1, n)
                        .mapToObj(id -> FleetMember.of(kit.spec(id, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build(),
                                BootProbe.all(kit.readyProbe(), BootProbe.qga())))
                        .toList())
                .flatMap(members -> Fleet.boot(launcher, members, FleetOptions.defaults())
                        .using(up -> Flux.fromIterable(up.running())          // stopped after, whatever happens
                                .flatMapSequential(vm -> vm.qga()
                                        .flatMap(agent -> agent.exec("/bin/uname", "-r"))
                                        .map(result -> vm.name() + " (pid " + vm.pid() + ", up in " + vm.bootTime().toMillis()
                                                + " ms): uname -r -> " + result.stdout().strip()
                                                + (result.succeeded() ? "" : " [exit " + result.exitCode() + "]")))
                                .doOnNext(System.out::println)
                                .then()))
                .then(Mono.fromRunnable(() -> System.out.println("fleet of " + n + " shut down")))
                .block();                                   // the program's edge, its one block()
    }
}
