package io.qemureactor.examples;

import io.qemureactor.core.function.GeneratedFile;
import io.qemureactor.core.function.KernelVmFunction;
import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.function.VppRunningConfig;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.function.KernelVm;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Kernel VMs with a network function (the seed's kernel VM: the host's {@code /} as the guest's
 * read-only 9p root, a generated init script as init):
 * <ol>
 * <li>the VPP function with the seed's L2 cross-connect: prints the files the engine would write into
 *     the VM's run folder (VPP startup config, running config, init script). VPP is not installed
 *     here, so this part only generates them;
 * <li>boots a kernel VM running a command function (a shell that announces itself and then waits, as
 *     a network function would), ready when its line appears on the serial console; prints the init
 *     script the engine wrote into the run folder, the boot result and the console line; shuts it down.
 * </ol>
 * {@code block()} only here, at the edge.
 *
 * <p>Run: {@code java -cp examples/target/qemu-reactor-examples.jar
 * io.qemureactor.examples.KernelVmFunctionExample}
 */
public final class KernelVmFunctionExample {

    private KernelVmFunctionExample() {
    }

    public static void main(String[] args) {
        QemuLauncher launcher = QemuLauncher.withDefaults();

        // 1. VPP, 2 vCPUs, 1 queue, no jumbo frames, l2 cross-connect between the seed's two NICs
        KernelVmFunction vpp = KernelVmFunction.vpp(2, 1, false, VppRunningConfig.l2CrossConnect(), "vpp v23.10-release");
        Path standIn = Path.of(launcher.options().runBase(), "vm1-example");
        System.out.println("== VPP function: files for run folder " + standIn + " (generated only: no VPP here)");
        for (GeneratedFile f : vpp.files(standIn)) {
            System.out.printf("--- %s (mode %o)%n%s%n", f.relativePath(), f.mode(), f.content().stripTrailing());
        }

        // 2. boot a command function; printf assembles the ready line so that the init script's own
        // "starting ..." line (which quotes the command) cannot match it
        KernelVmFunction nf = KernelVmFunction.command("/bin/sh", "-c",
                        "printf 'nf %s on %s\\n' forwarding \"$(uname -r)\"; exec sleep 3600")
                .withReadiness(ReadinessRule.lineContaining("nf forwarding on"));
        System.out.println();
        System.out.println("== command function: booting a kernel VM (TCG, host / over 9p)");
        // the init script runs the function, no agent and no ACPI watcher: stopped by QMP quit, then signals
        GuestKit.ensure().flatMap(kit -> Mono.usingWhen(    // the test guest, built the first time
                        KernelVm.of(nf).start(launcher, LocalHost.instance(),
                                kit.spec(2, GuestKit.Flavour.KERNEL).accelerator(Accelerator.TCG)),
                        vm -> Mono.fromCallable(() -> Files.readString(Path.of(vm.runFolder(), KernelVmFunction.INIT_SCRIPT)))
                                .doOnNext(script -> System.out.printf("--- %s/%s%n%s%n", vm.runFolder(),
                                        KernelVmFunction.INIT_SCRIPT, script.stripTrailing()))
                                .then(vm.serial().filter(line -> line.contains("nf forwarding on")).next())
                                .doOnNext(line -> System.out.println("--- " + vm.name() + " ready in "
                                        + vm.bootTime().toMillis() + " ms (pid " + vm.pid() + "), console: " + line.strip())),
                        vm -> vm.shutdown(ShutdownPolicy.withoutGuest())
                                .then(Mono.fromRunnable(() -> System.out.println("--- " + vm.name() + " stopped"))),
                        (vm, error) -> vm.kill(),
                        vm -> vm.kill()))
                .timeout(Duration.ofMinutes(5))
                .block();                                   // the program's edge, its one block()
    }
}
