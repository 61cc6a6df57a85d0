package io.qemureactor.examples;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.vm.RunningVm;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Watches a fleet: prints the fleet's own progress ({@code LAUNCHED}, {@code QMP_CONNECTED},
 * {@code READY}, {@code STOPPED}) and the QMP events of all its VMs merged into one stream, while each
 * VM is paused ({@code stop}) and resumed ({@code cont}), one after another; then shuts the fleet down.
 * Expect a {@code STOP} and a {@code RESUME} event from every VM. {@code block()} only here, at the edge.
 *
 * <p>Run: {@code java -cp examples/target/qemu-reactor-examples.jar
 * io.qemureactor.examples.FleetEvents [N]} (default 2).
 */
public final class FleetEvents {

    private FleetEvents() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        QemuLauncher launcher = QemuLauncher.withDefaults();
        GuestKit.ensure()                                   // the test guest, built the first time
                .map(kit -> IntStream.rangeClosed(1, n)
                        .mapToObj(id -> FleetMember.of(kit.spec(id, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build(),
                                kit.readyProbe()))
                        .toList())
                .flatMap(members -> progressAndWork(Fleet.boot(launcher, members, FleetOptions.defaults())))
                .block();                                   // the program's edge, its one block()
    }

    /** The fleet's progress lines and the work on its VMs, concurrently; over when both are. */
    private static Mono<Void> progressAndWork(Fleet fleet) {

        // the fleet's progress, until the fleet is over (the stream completes after shutdown())
        Mono<Void> progress = fleet.events()
                .doOnNext(e -> System.out.println("fleet: " + e.type() + " " + e.vmName()))
                .then();

        Mono<Void> work = Mono.usingWhen(fleet.ready(),
                up -> {
                    List<RunningVm> vms = up.running();
                    // every VM's QMP events in one stream; subscribed before the commands that cause them
                    Mono<Void> watch = Flux.merge(vms.stream()
                                    .map(vm -> vm.qmp().events().map(e -> "qmp:   " + vm.name() + " " + e.name()
                                            + (e.data().isEmpty() ? "" : " " + e.data())))
                                    .toList())
                            .doOnNext(System.out::println)
                            .take(2L * vms.size()) // a STOP and a RESUME each
                            .then();
                    Mono<Void> pauseAndResume = Flux.fromIterable(vms)
                            .concatMap(vm -> vm.qmp().execute("stop").then(vm.qmp().execute("cont")))
                            .then();
                    return Mono.when(watch, pauseAndResume).timeout(Duration.ofSeconds(60));
                },
                up -> fleet.shutdown()); // on completion, error and cancel alike

        return Mono.when(progress, work);
    }
}
