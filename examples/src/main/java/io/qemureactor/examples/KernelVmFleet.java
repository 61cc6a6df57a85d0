package io.qemureactor.examples;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.function.KernelVmFunction;
import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.function.KernelVm;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.util.stream.IntStream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * N kernel VMs running a network function, booted at once as one {@link Fleet}: each VM's init script
 * is written into its own run folder by its member's preparer ({@link KernelVm#member}), and each
 * VM is ready when its function prints its line on the serial console. Prints every VM's line (the
 * function reports the {@code init=} it was booted with), then shuts the fleet down: QMP {@code quit},
 * since the init script runs no guest agent and ignores the ACPI button.
 *
 * <p>Run: {@code java -cp examples/target/qemu-reactor-examples.jar
 * io.qemureactor.examples.KernelVmFleet [N]} (default 2).
 */
public final class KernelVmFleet {

    private KernelVmFleet() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        QemuLauncher launcher = QemuLauncher.withDefaults();
        // a stand-in for a forwarding program: announces itself with its own init= path, then waits; printf
        // assembles the ready text, so the init script's "starting command: ..." line (which quotes the
        // command) cannot pass the readiness rule
        KernelVm nf = KernelVm.of(KernelVmFunction.command("/bin/sh", "-c",
                        "printf 'nf %s, %s\\n' forwarding \"$(tr ' ' '\\n' < /proc/cmdline | grep '^init=')\"; exec sleep 3600")
                .withReadiness(ReadinessRule.lineContaining("nf forwarding")));
        GuestKit.ensure()                                   // the test guest, built the first time
                .map(kit -> IntStream.rangeClosed(1, n)
                        .mapToObj(id -> nf.member(launcher, kit.spec(id, GuestKit.Flavour.KERNEL).accelerator(Accelerator.TCG)))
                        .toList())
                .map(members -> Fleet.boot(launcher, members,
                        FleetOptions.defaults().withShutdownPolicy(ShutdownPolicy.withoutGuest())))
                .flatMap(fleet -> Mono.usingWhen(fleet.ready(),
                        up -> Flux.fromIterable(up.running())
                                .flatMapSequential(vm -> vm.serial().filter(line -> line.contains("nf forwarding")).next()
                                        .map(line -> vm.name() + " (pid " + vm.pid() + ", ready in " + vm.bootTime().toMillis()
                                                + " ms): " + line.strip()))
                                .doOnNext(System.out::println)
                                .then(),
                        up -> fleet.shutdown())) // on completion, error and cancel alike
                .then(Mono.fromRunnable(() -> System.out.println("fleet of " + n + " kernel VMs shut down")))
                .block();                                   // the program's edge, its one block()
    }
}
