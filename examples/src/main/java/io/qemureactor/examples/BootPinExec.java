package io.qemureactor.examples;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;

/**
 * The README's example, verbatim (DocSnippetsTest checks that): boot the test guest with two
 * vCPUs, pin them, run a command in the guest through its agent; {@code launcher.using} stops the
 * VM whatever the steps do. One pipeline; {@code block()} only here, at the edge of the program.
 *
 * <p>Run: {@code java -cp examples/target/qemu-reactor-examples.jar io.qemureactor.examples.BootPinExec}
 */
public final class BootPinExec {

    private BootPinExec() {
    }

    public static void main(String[] args) {
        QemuLauncher launcher = QemuLauncher.withDefaults();
        int lastCpu = Runtime.getRuntime().availableProcessors() - 1;

        String kernel = GuestKit.ensure()                                    // the test guest, built the first time
                .flatMap(kit -> launcher.using(LocalHost.instance(),
                        kit.spec(1, GuestKit.Flavour.DEFAULT).smp(2).build(), // accelerator AUTO: KVM only if it really works
                        BootProbe.all(kit.readyProbe(), BootProbe.qga()),
                        vm -> vm.pin(lastCpu, 0)                             // vCPU threads from QMP, affinity read back
                                .doOnNext(pinned -> System.out.println(vm.name() + " pinned: " + pinned))
                                .then(vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r")))
                                .map(result -> result.stdout().strip())))
                .block();   // the program's edge, its one block(): here the VM is stopped and gone, whatever the steps did
        System.out.println("guest kernel: " + kernel);
    }
}
