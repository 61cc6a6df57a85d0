package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.ConsoleSpec;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The spec {@link KernelVm} hands to the launcher, and the checks it makes before launching: no QEMU here. */
class KernelVmTest {

    private static final Path KERNEL = Path.of("/kit/vmlinuz");
    private static final Path INITRD = Path.of("/kit/initrd.img");
    private final KernelVmFunction.Vpp vpp = KernelVmFunction.vpp(2, 1, false, VppRunningConfig.l2CrossConnect(), "vpp v23.10");

    private static VmSpec.Builder base(int memoryMib) {
        return VmSpec.builder().id(3).memoryMib(memoryMib)
                .bootSource(BootSource.kernel(KERNEL, INITRD, "quiet")
                        .withNinePRoot(BootSource.NinePRoot.hostRoot(Path.of("/kit/kernel-init.sh"))));
    }

    @Test
    void theLaunchSpecKeepsTheKernelAddsTheArgumentsAndDropsTheRootAndTheAgent() {
        VmSpec spec = KernelVm.of(vpp).withKernelArgs("tsc=reliable fastboot").launchSpec(base(768).build(), "/tmp/qr");

        BootSource.KernelBoot k = (BootSource.KernelBoot) spec.bootSource();
        assertThat(k.kernel()).isEqualTo(KERNEL);
        assertThat(k.initrd()).contains(INITRD);
        assertThat(k.append()).isEqualTo("quiet hugepages=256 tsc=reliable fastboot");
        assertThat(k.ninePRoot()).isEmpty(); // added by the preparer, with the real run folder
        assertThat(spec.qgaIsaSerial()).isFalse();
        assertThat(spec.qgaVirtioSerial()).isFalse();
        assertThat(spec.name()).isEqualTo("vm3");
    }

    @Test
    void aCommandGetsNoHugepagesByDefault() {
        VmSpec spec = KernelVm.of(KernelVmFunction.command("/bin/true")).launchSpec(base(256).build(), "/tmp/qr");
        assertThat(((BootSource.KernelBoot) spec.bootSource()).append()).isEqualTo("quiet");
        assertThat(KernelVm.of(KernelVmFunction.testpmdIo(2, 1)).hugepages()).isEqualTo(KernelVm.SEED_HUGEPAGES);
    }

    @Test
    void hugepagesMustFitInGuestMemory() {
        assertThatThrownBy(() -> KernelVm.of(vpp).launchSpec(base(256).build(), "/tmp/qr"))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessage("hugepages: 256 x 2 MiB = 512 MiB does not fit in 256 MiB of guest memory (128 MiB must stay free):"
                        + " raise memoryMib to 640 or use withHugepages(n)");
        assertThat(KernelVm.of(vpp).launchSpec(base(640).build(), "/tmp/qr")).isNotNull();
        assertThat(KernelVm.of(vpp).withHugepages(64).launchSpec(base(256).build(), "/tmp/qr")).isNotNull();
    }

    @Test
    void aDiskBootOrAConsoleThatIsNoSocketIsRefused() {
        VmSpec disk = base(256).bootSource(BootSource.diskImage(Path.of("/kit/rootfs.ext4"))).build();
        assertThatThrownBy(() -> KernelVm.of(KernelVmFunction.command("/bin/true")).launchSpec(disk, "/tmp/qr"))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessage("bootSource: a kernel VM boots a kernel (kernel + initrd), not a DiskImage");
        VmSpec logFile = base(256).serialConsole(ConsoleSpec.logFile()).build();
        assertThatThrownBy(() -> KernelVm.of(KernelVmFunction.command("/bin/true")).launchSpec(logFile, "/tmp/qr"))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("serialConsole: ");
    }

    @Test
    void aRunBaseWithABlankFailsNamingTheRunFolder() {
        assertThatThrownBy(() -> KernelVm.of(vpp).launchSpec(base(768).build(), "/tmp/my runs"))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("runFolder: ");
    }

    @Test
    void badSettingsFailAtOnce() {
        assertThatThrownBy(() -> KernelVm.of(vpp).withHugepages(-1)).hasMessageStartingWith("hugepages: ");
        assertThatThrownBy(() -> KernelVm.of(vpp).withKernelArgs("a\nb")).hasMessageStartingWith("kernelArgs: ");
        assertThatThrownBy(() -> KernelVm.of(vpp).withProbeTimeout(java.time.Duration.ZERO)).hasMessageStartingWith("probeTimeout: ");
    }
}
