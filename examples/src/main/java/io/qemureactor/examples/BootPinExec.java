package io.qemureactor.examples;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;

/**
 * The README's example: boot the test guest with two vCPUs, pin them, run a command in the
 * guest through its agent, shut it down. One pipeline; {@code block()} only here, at the edge of
 * the program.
 *
 * <p>Run: {@code scripts/build-guest && java -cp examples/target/qemu-reactor.jar
 * io.qemureactor.examples.BootPinExec}
 */
public final class BootPinExec {

    private BootPinExec() {
    }

    public static void main(String[] args) {
        GuestKit kit = GuestKit.locate();
        QemuLauncher launcher = QemuLauncher.withDefaults();
        VmSpec spec = kit.spec(1, GuestKit.Flavour.DEFAULT).smp(2).build();
        int lastCpu = Runtime.getRuntime().availableProcessors() - 1;

        launcher.start(LocalHost.instance(), spec, BootProbe.all(kit.readyProbe(), BootProbe.qga()))
                .flatMap(vm -> vm.pin(lastCpu, 0)
                        .doOnNext(threads -> System.out.println(vm.name() + " (" + vm.accelerator() + ") vCPU threads " + threads))
                        .then(vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r")))
                        .doOnNext(result -> System.out.println("guest kernel: " + result.stdout().strip()))
                        .then(vm.shutdown()))
                .block();
    }
}
