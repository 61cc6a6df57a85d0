package io.qemureactor.examples.snippets;

import io.qemureactor.core.function.GeneratedFile;
import io.qemureactor.core.function.KernelVm;
import io.qemureactor.core.function.KernelVmFunction;
import io.qemureactor.core.function.VppRunningConfig;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/** docs/network-functions.md's two examples, verbatim (DocSnippetsTest checks them; DocSnippetsIT runs them). */
final class NetworkFunctionsDocSnippet {

    private NetworkFunctionsDocSnippet() {
    }

    record Generated(List<GeneratedFile> files, Path init, ReadinessRule rule) {
    }

    static Generated vppFiles() {
        KernelVmFunction fn = KernelVmFunction.vpp(2, 1, false,           // smp, queues, jumbo frames
                VppRunningConfig.l2CrossConnect(), "vpp v23.10-release");   // running config, host VPP's version
        // or KernelVmFunction.testpmdIo(2, 1)
        // or KernelVmFunction.testpmdMac(2, 1, vif1Mac, vif2Mac)
        // or KernelVmFunction.command("/usr/bin/my-nf", "--flag").withNics(KernelVmFunction.seedNics())

        Path run = Path.of("/tmp/qr/vnf1");          // the VM's run folder: absolute, same path in the guest
        List<GeneratedFile> files = fn.files(run);   // relative path + content + mode; write them all
        Path init = fn.initScript(run);              // the kernel's init= (NinePRoot.hostRoot(init))
        ReadinessRule rule = fn.readiness();          // rule.test(consoleLine) -> READY / FAILED / UNDECIDED
        return new Generated(files, init, rule);
    }

    static String kernelVm() {
        QemuLauncher launcher = QemuLauncher.withDefaults();
        GuestKit kit = GuestKit.locate();                                  // or your own kernel + initrd
        KernelVmFunction fn = KernelVmFunction.command("/bin/sh", "-c", "printf 'Press enter %s\\n' 'to exit'; exec sleep 3600")
                .withReadiness(ReadinessRule.lineContaining("Press enter to exit"));

        String line = Mono.usingWhen(
                KernelVm.of(fn)                                             // .withHugepages(n), .withKernelArgs("tsc=reliable")
                        .withProbeTimeout(Duration.ofSeconds(150))
                        .start(launcher, LocalHost.instance(), kit.spec(1, GuestKit.Flavour.KERNEL).accelerator(Accelerator.TCG)),
                vm -> vm.serial()                                           // the function's output (init.sh is in vm.runFolder())
                        .filter(l -> l.contains("Press enter to exit")).next()
                        .timeout(Duration.ofSeconds(30)),
                vm -> vm.shutdown(ShutdownPolicy.withoutGuest()))           // also on error or cancel; no agent inside: quit, then signals
                .block();
        // or: KernelVm.start(launcher, host, baseBuilder, fn) with the defaults below
        return line;
    }
}
