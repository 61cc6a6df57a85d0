package io.qemureactor.core.cmdline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.Arch;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.ConsoleSpec;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VhostUserNic;
import io.qemureactor.core.spec.VirtioNic;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuCommandLineTest {

    private static final RunLayout RUN = RunLayout.in(Path.of("/tmp/qr/vm5"));

    private static VmSpec.Builder disk() {
        return VmSpec.builder().id(5).diskImage(Path.of("/img/disk.img"));
    }

    private static List<String> argv(VmSpec spec) {
        return QemuCommandLine.render(spec, Accelerator.TCG, RUN).argv();
    }

    /** The value following the n-th (0-based) occurrence of {@code option}. */
    private static String valueOf(List<String> argv, String option, int n) {
        int seen = 0;
        for (int i = 0; i < argv.size() - 1; i++) {
            if (argv.get(i).equals(option) && seen++ == n) {
                return argv.get(i + 1);
            }
        }
        throw new AssertionError(option + " #" + n + " not in " + argv);
    }

    private static String valueOf(List<String> argv, String option) {
        return valueOf(argv, option, 0);
    }

    @Test
    void tcgUsesMaxCpuAndTcgAccel() {
        List<String> a = argv(disk().build());
        assertThat(a.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(valueOf(a, "-machine")).isEqualTo("pc,accel=tcg,usb=off,mem-merge=off");
        assertThat(valueOf(a, "-cpu")).isEqualTo("max");
        assertThat(a).doesNotContain("-daemonize", "-enable-kvm", "-balloon");
    }

    @Test
    void kvmUsesHostCpuUnlessTheSpecNamesOne() {
        VmSpec spec = disk().build();
        assertThat(valueOf(QemuCommandLine.render(spec, Accelerator.KVM, RUN).argv(), "-cpu")).isEqualTo("host");
        assertThat(valueOf(argv(disk().cpuModel("Skylake-Server,-hle").build()), "-cpu"))
                .isEqualTo("Skylake-Server,-hle");
    }

    @Test
    void accelMustBeResolvedAndAgreeWithTheSpec() {
        VmSpec auto = disk().build();
        assertThatThrownBy(() -> QemuCommandLine.render(auto, Accelerator.AUTO, RUN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KVM or TCG, not AUTO");
        VmSpec kvm = disk().accelerator(Accelerator.KVM).build();
        assertThatThrownBy(() -> QemuCommandLine.render(kvm, Accelerator.TCG, RUN))
                .hasMessageContaining("asks for KVM");
        assertThat(QemuCommandLine.render(kvm, Accelerator.KVM, RUN).accelerator()).isEqualTo(Accelerator.KVM);
    }

    @Test
    void commaInAPathIsDoubledInOptionValues() {
        RunLayout run = RunLayout.in(Path.of("/tmp/a,b"));
        VmSpec spec = VmSpec.builder().id(5).diskImage(Path.of("/img/x,y.img"))
                .memoryBackend(MemoryBackend.hugepages(Path.of("/mnt/huge,2m"),
                        io.qemureactor.core.spec.HugepageSize.SIZE_2M))
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/v,1.sock")))
                .qgaVirtioSerial(true).build();
        List<String> a = QemuCommandLine.render(spec, Accelerator.TCG, run).argv();
        assertThat(valueOf(a, "-drive")).startsWith("file=/img/x,,y.img,format=raw");
        assertThat(valueOf(a, "-object")).contains("mem-path=/mnt/huge,,2m,share=on");
        assertThat(valueOf(a, "-qmp")).isEqualTo("unix:/tmp/a,,b/qmp.sock,server=on,wait=on");
        assertThat(valueOf(a, "-chardev", 0)).isEqualTo("socket,id=console,path=/tmp/a,,b/console.sock,server=on,wait=off,logfile=/tmp/a,,b/console.log");
        assertThat(valueOf(a, "-chardev", 1)).isEqualTo("socket,path=/tmp/a,,b/qga.sock,server=on,wait=off,id=qga0");
        assertThat(valueOf(a, "-chardev", 2)).contains("path=/tmp/a,,b/qga-virtio.sock,");
        assertThat(valueOf(a, "-chardev", 3)).isEqualTo("socket,id=char1,path=/run/v,,1.sock,server=on");
        // -pidfile is not a QemuOpts list: verbatim
        assertThat(valueOf(a, "-pidfile")).isEqualTo("/tmp/a,b/qemu.pid");
    }

    @Test
    void kernelAndInitrdAreVerbatimAndNinePathIsEscaped() {
        BootSource.KernelBoot k = BootSource.kernel(Path.of("/boot/vm,linuz"), Path.of("/boot/init rd"), "quiet")
                .withNinePRoot(new BootSource.NinePRoot(Path.of("/srv/root,fs"), "virtioroot", Path.of("/init.sh")));
        List<String> a = argv(VmSpec.builder().id(5).kernel(k).build());
        assertThat(valueOf(a, "-kernel")).isEqualTo("/boot/vm,linuz");
        assertThat(valueOf(a, "-initrd")).isEqualTo("/boot/init rd");
        assertThat(valueOf(a, "-fsdev")).isEqualTo("local,id=root9p,path=/srv/root,,fs,security_model=none,multidevs=remap");
        assertThat(valueOf(a, "-append")).isEqualTo("ro rootfstype=9p rootflags=trans=virtio root=virtioroot"
                + " console=ttyS0 quiet init=/init.sh");
    }

    @Test
    void pathWithASpaceStaysOneArgument() {
        RunLayout run = RunLayout.in(Path.of("/tmp/my vms/vm 5"));
        QemuCommandLine cl = QemuCommandLine.render(disk().build(), Accelerator.TCG, run);
        assertThat(cl.argv()).contains("/tmp/my vms/vm 5/qemu.pid",
                "unix:/tmp/my vms/vm 5/qmp.sock,server=on,wait=on");
        assertThat(cl.argv()).noneMatch(arg -> arg.startsWith("\"") || arg.startsWith("'"));
        assertThat(cl.toString()).contains("-pidfile '/tmp/my vms/vm 5/qemu.pid'");
    }

    @Test
    void aKernelBootWithoutNinePOrConsoleHasNoFsdevInitrdOrSerial() {
        BootSource.KernelBoot k = BootSource.kernel(Path.of("/boot/bzImage"), null, "panic=-1");
        List<String> a = argv(VmSpec.builder().id(5).kernel(k).serialConsole(ConsoleSpec.none()).build());
        assertThat(a).doesNotContain("-fsdev", "-initrd", "-serial");
        assertThat(valueOf(a, "-append")).isEqualTo("panic=-1");
    }

    @Test
    void aarch64UsesVirtGicV3AndTtyAma0() {
        BootSource.KernelBoot k = BootSource.kernel(Path.of("/boot/Image"), Path.of("/boot/initrd"), "");
        VmSpec spec = VmSpec.builder().id(5).arch(Arch.AARCH64).kernel(k).qgaIsaSerial(false)
                .qgaVirtioSerial(true).build();
        List<String> a = argv(spec);
        assertThat(a.get(0)).isEqualTo("qemu-system-aarch64");
        assertThat(valueOf(a, "-machine")).isEqualTo("virt,accel=tcg,usb=off,mem-merge=off,gic-version=3");
        assertThat(valueOf(a, "-append")).isEqualTo("console=ttyAMA0");
        assertThat(a).doesNotContain("isa-serial,chardev=qga0");
    }

    @Test
    void eachConsoleKindRendersItsChardevAndReportsItsPath() {
        assertThat(argv(disk().serialConsole(ConsoleSpec.logFile()).build()))
                .containsSubsequence("-chardev", "file,id=console,path=/tmp/qr/vm5/console.log",
                        "-serial", "chardev:console");
        QemuCommandLine file = QemuCommandLine.render(
                disk().serialConsole(ConsoleSpec.logFile(Path.of("/var/log/vm5.log"))).build(), Accelerator.TCG, RUN);
        assertThat(file.consoleLog()).contains(Path.of("/var/log/vm5.log"));
        assertThat(file.consoleSocket()).isEmpty();
        assertThat(argv(disk().serialConsole(ConsoleSpec.none()).build())).doesNotContain("-serial");
    }

    @Test
    void anAgentOnVirtioSerialGetsAVirtserialPortInsteadOfTheIsaSerial() {
        List<String> a = argv(disk().qgaIsaSerial(false).qgaVirtioSerial(true).build());
        assertThat(a).containsSubsequence("-device", "virtio-serial-pci",
                "-chardev", "socket,id=qga1,path=/tmp/qr/vm5/qga-virtio.sock,server=on,wait=off",
                "-device", "virtserialport,chardev=qga1,name=org.qemu.guest_agent.0");
        assertThat(a).doesNotContain("isa-serial,chardev=qga0");
    }

    @Test
    void eachMemoryBackendRendersItsObjectAndTheNumaNode() {
        assertThat(valueOf(argv(disk().memoryBackend(MemoryBackend.plain()).memoryMib(256).build()), "-object"))
                .isEqualTo("memory-backend-ram,id=mem,size=256M");
        assertThat(valueOf(argv(disk().build()), "-object")).isEqualTo("memory-backend-memfd,id=mem,size=512M,share=on");
        assertThat(argv(disk().build())).containsSubsequence("-m", "512M", "-numa", "node,memdev=mem");
    }

    @Test
    void userNetworkingAndExtraNicsGetNetdevsMacsAndSlotsInOrder() {
        List<String> a = argv(disk().userNetwork(UserNetwork.sshForward(2222).bindTo("127.0.0.1"))
                .addVirtioNic(VirtioNic.create()).addVirtioNic(VirtioNic.create().withMac("52:54:00:12:34:56")
                        .withPciSlot(0x1a)).build());
        assertThat(a).containsSubsequence(
                "-netdev", "user,id=mgmt,hostfwd=tcp:127.0.0.1:2222-:22",
                "-device", "virtio-net-pci,netdev=mgmt,mac=52:54:00:00:05:ff",
                "-netdev", "user,id=net0", "-device", "virtio-net-pci,netdev=net0,mac=52:54:00:00:05:80",
                "-netdev", "user,id=net1", "-device", "virtio-net-pci,netdev=net1,mac=52:54:00:12:34:56,addr=1a.0");
        assertThat(valueOf(argv(disk().userNetwork(UserNetwork.noForward()).build()), "-netdev"))
                .isEqualTo("user,id=mgmt");
    }

    @Test
    void pciAddressIsHexSoTheFifthVhostUserNicIsInSlotTen() {
        VmSpec.Builder b = disk();
        for (int i = 1; i <= 5; i++) {
            b.addVhostUserNic(VhostUserNic.client(Path.of("/run/vpp/sock-" + i)));
        }
        List<String> a = argv(b.build());
        assertThat(valueOf(a, "-device", 5)).contains("netdev=vhost5,mac=52:54:00:00:05:05,addr=a.0,");
        assertThat(valueOf(a, "-device", 1)).contains("netdev=vhost1,mac=52:54:00:00:05:01,addr=6.0,");
    }

    @Test
    void extraArgsComeLastVerbatim() {
        List<String> a = argv(disk().extraArgs("-S", "-device", "virtio-rng-pci,id=rng,x=a,b").build());
        assertThat(a.subList(a.size() - 3, a.size())).containsExactly("-S", "-device", "virtio-rng-pci,id=rng,x=a,b");
    }

    @Test
    void vhostUserNicsUseLegacyInterruptsUnderTcgOnly() {
        // QEMU 7.2's TCG segfaults when the guest drives a vhost-user virtio-net-pci with MSI-X (docs/datapath.md)
        VmSpec spec = disk().addVhostUserNic(VhostUserNic.client(Path.of("/run/v.sock")).withQueues(2)).build();
        assertThat(QemuCommandLine.render(spec, Accelerator.TCG, RUN).argv())
                .filteredOn(a -> a.startsWith("virtio-net-pci,netdev=vhost")).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains(",vectors=0,");
        assertThat(QemuCommandLine.render(spec, Accelerator.KVM, RUN).argv())
                .filteredOn(a -> a.startsWith("virtio-net-pci,netdev=vhost")).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .contains(",vectors=6,");
    }

    @Test
    void exposesThePathsItRendered() {
        QemuCommandLine cl = QemuCommandLine.render(disk().qgaVirtioSerial(true)
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/v.sock"))).build(), Accelerator.TCG, RUN);
        assertThat(cl.qmpSocket()).isEqualTo(Path.of("/tmp/qr/vm5/qmp.sock"));
        assertThat(cl.qgaSocket()).contains(Path.of("/tmp/qr/vm5/qga.sock"));
        assertThat(cl.qgaVirtioSocket()).contains(Path.of("/tmp/qr/vm5/qga-virtio.sock"));
        assertThat(cl.consoleSocket()).contains(Path.of("/tmp/qr/vm5/console.sock"));
        assertThat(cl.pidFile()).isEqualTo(Path.of("/tmp/qr/vm5/qemu.pid"));
        assertThat(cl.unixSocketPaths()).containsExactly(cl.qmpSocket(), cl.qgaSocket().get(),
                cl.qgaVirtioSocket().get(), cl.consoleSocket().get(), Path.of("/run/v.sock"));
        for (Path p : cl.unixSocketPaths()) {
            assertThat(String.join(" ", cl.argv())).contains(p.toString());
        }
        assertThat(cl.argv()).containsSubsequence("-pidfile", cl.pidFile().toString());
        assertThat(QemuCommandLine.render(disk().noGuestAgent().build(), Accelerator.TCG, RUN).qgaSocket()).isEmpty();
    }

    @Test
    void socketPathLimitIs107Bytes() {
        // "/console.sock" is the longest of our names (13 bytes with the slash)
        String folder107 = "/" + "d".repeat(107 - 1 - "/qga-virtio.sock".length());
        QemuCommandLine ok = QemuCommandLine.render(disk().qgaVirtioSerial(true).build(), Accelerator.TCG,
                RunLayout.in(Path.of(folder107)));
        assertThat(ok.qgaVirtioSocket().get().toString()).hasSize(107);
        assertThat(ok.checkUnixSocketPaths()).isSameAs(ok);

        QemuCommandLine tooLong = QemuCommandLine.render(disk().build(), Accelerator.TCG,
                RunLayout.in(Path.of("/" + "d".repeat(100))));
        assertThatThrownBy(tooLong::checkUnixSocketPaths)
                .isInstanceOf(UnixSocketPathTooLongException.class)
                .hasMessageContaining("QMP socket path /ddd")
                .hasMessageContaining("is 110 bytes long, but Linux allows at most 107")
                .hasMessageContaining("--run-dir /tmp/qr");
    }

    @Test
    void socketPathLengthCountsUtf8BytesAndCoversVhostUser() {
        Path vhost = Path.of("/run/" + "é".repeat(52)); // 5 + 104 bytes
        QemuCommandLine cl = QemuCommandLine.render(disk().addVhostUserNic(VhostUserNic.server(vhost)).build(),
                Accelerator.TCG, RUN);
        assertThatThrownBy(cl::checkUnixSocketPaths).isInstanceOf(UnixSocketPathTooLongException.class)
                .hasMessageStartingWith("vhostUser[0] socket path").hasMessageContaining("is 109 bytes long");
    }
}
