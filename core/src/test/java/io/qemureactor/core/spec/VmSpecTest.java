package io.qemureactor.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.qemureactor.core.spec.NicAssignment.NicKind;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VmSpecTest {

    private static final Path IMAGE = Path.of("/var/lib/vm/disk.img");

    private static VmSpec.Builder valid() {
        return VmSpec.builder().id(7).diskImage(IMAGE);
    }

    private static List<String> violations(VmSpec.Builder builder) {
        return catchThrowableOfType(InvalidVmSpecException.class, builder::build).violations();
    }

    @Test
    void minimalSpecGetsDocumentedDefaults() {
        VmSpec spec = valid().build();
        assertThat(spec.name()).isEqualTo("vm7");
        assertThat(spec.arch()).isEqualTo(Arch.X86_64);
        assertThat(spec.smp()).isEqualTo(new Smp(1, 1, 1));
        assertThat(spec.memoryMib()).isEqualTo(512);
        assertThat(spec.memoryBackend()).isEqualTo(MemoryBackend.memfd());
        assertThat(spec.accelerator()).isEqualTo(Accelerator.AUTO);
        assertThat(spec.cpuModel()).isEmpty();
        assertThat(spec.serialConsole()).isEqualTo(ConsoleSpec.unixSocket());
        assertThat(spec.qgaIsaSerial()).isTrue();
        assertThat(spec.qgaVirtioSerial()).isFalse();
        assertThat(spec.nics()).isEmpty();
        assertThat(spec.bootSource()).isEqualTo(new BootSource.DiskImage(IMAGE, "raw", DiskCache.NONE));
    }

    @Test
    void nicsGetTheSeedsMacsAndSlots() {
        VmSpec spec = valid().userNetwork(UserNetwork.sshForward(10028))
                .addVirtioNic(VirtioNic.create())
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")))
                .addVhostUserNic(VhostUserNic.client(Path.of("/run/b.sock")).withMac("52:54:00:AA:BB:CC"))
                .build();
        assertThat(spec.nics()).extracting(NicAssignment::netdevId, n -> n.mac().value(), NicAssignment::pciSlot)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mgmt", "52:54:00:00:07:ff", OptionalInt.empty()),
                        org.assertj.core.groups.Tuple.tuple("net0", "52:54:00:00:07:80", OptionalInt.empty()),
                        org.assertj.core.groups.Tuple.tuple("vhost1", "52:54:00:00:07:01", OptionalInt.of(6)),
                        org.assertj.core.groups.Tuple.tuple("vhost2", "52:54:00:aa:bb:cc", OptionalInt.of(7)));
        assertThat(spec.nics(NicKind.VHOST_USER)).extracting(n -> n.socket().orElseThrow())
                .containsExactly(Path.of("/run/a.sock"), Path.of("/run/b.sock"));
    }

    @Test
    void aSpecRebuiltFromItsBuilderIsEqualToIt() {
        VmSpec spec = valid().name("edge-1").smp(new Smp(2, 2, 2)).cpuModel("max,-pdpe1gb")
                .userNetwork(UserNetwork.sshForward(2222).bindTo("127.0.0.1"))
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")).withQueues(4))
                .qgaVirtioSerial(true).extraArgs("-S").build();
        assertThat(spec.toBuilder().build()).isEqualTo(spec).hasSameHashCodeAs(spec);
        assertThat(spec.toBuilder().memoryMib(1024).build()).isNotEqualTo(spec);
    }

    @Test
    void idMustFitOneMacOctet() {
        assertThat(violations(valid().id(0))).containsExactly(
                "id: 0 is outside 1..255 (it is one MAC octet); set id(1..255)");
        assertThat(violations(valid().id(256))).singleElement().asString().startsWith("id: 256");
    }

    @Test
    void nameMustBeSafe() {
        assertThat(violations(valid().name("a,b"))).singleElement().asString().startsWith("name: 'a,b' must be");
    }

    @Test
    void memoryHasAMinimum() {
        assertThat(violations(valid().memoryMib(64))).containsExactly("memoryMib: 64 is below the minimum of 128");
    }

    @Test
    void hugepageMemoryMustBeAWholeNumberOfPages() {
        VmSpec.Builder b = valid().memoryMib(1536)
                .memoryBackend(MemoryBackend.hugepages(Path.of("/mnt/huge1g"), HugepageSize.SIZE_1G));
        assertThat(violations(b)).containsExactly(
                "memoryMib: 1536 is not a multiple of the 1G huge page size; use a multiple of 1024");
        assertThat(valid().memoryMib(1536).memoryBackend(MemoryBackend.defaultHugepages()).build().memoryMib())
                .isEqualTo(1536);
    }

    @Test
    void everySmpDimensionMustBePositive() {
        assertThat(violations(valid().smp(new Smp(1, 0, 1)))).containsExactly("smp.cores: 0 must be >= 1");
        assertThat(violations(valid().smp(new Smp(0, 1, -1))))
                .containsExactly("smp.sockets: 0 must be >= 1", "smp.threads: -1 must be >= 1");
        assertThat(violations(valid().smp(new Smp(4, 64, 2)))).singleElement().asString()
                .startsWith("smp: sockets*cores*threads = 512 exceeds 255");
    }

    @Test
    void bootSourceIsRequired() {
        assertThat(violations(VmSpec.builder().id(1)))
                .containsExactly("bootSource: required (diskImage(...) or kernel(...))");
    }

    @Test
    void pathsMustBeAbsolute() {
        assertThat(violations(VmSpec.builder().id(1).diskImage(Path.of("disk.img")))).singleElement().asString()
                .startsWith("bootSource.path: 'disk.img' must be an absolute path");
        BootSource.KernelBoot k = BootSource.kernel(Path.of("/boot/vmlinuz"), Path.of("initrd"), "quiet")
                .withNinePRoot(new BootSource.NinePRoot(Path.of("/"), "bad tag", Path.of("init.sh")));
        assertThat(violations(VmSpec.builder().id(1).kernel(k))).containsExactly(
                "bootSource.initrd: 'initrd' must be an absolute path (QEMU may run in another directory)",
                "bootSource.ninePRoot.initPath: 'init.sh' must be an absolute path (QEMU may run in another directory)",
                "bootSource.ninePRoot.mountTag: 'bad tag' must be 1-31 letters, digits, '_' or '-'");
    }

    @Test
    void vhostUserQueuesAndRingSizeAreBounded() {
        VmSpec.Builder b = valid()
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")).withQueues(0))
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/b.sock")).withQueues(65).withQueueSize(300));
        assertThat(violations(b)).containsExactly(
                "vhostUser[0].queues: 0 must be 1..64",
                "vhostUser[1].queues: 65 must be 1..64",
                "vhostUser[1].queueSize: 300 must be 256, 512 or 1024 (QEMU's ring sizes)");
    }

    @Test
    void vhostUserNeedsSharedMemory() {
        VmSpec.Builder b = valid().memoryBackend(MemoryBackend.plain())
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")));
        assertThat(violations(b)).containsExactly(
                "memoryBackend: vhost-user NICs need shared guest memory: use memfd or hugepages");
        assertThat(valid().memoryBackend(MemoryBackend.plain()).build().memoryBackend().shared()).isFalse();
    }

    @Test
    void malformedMacNamesTheNic() {
        VmSpec.Builder b = valid().addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")))
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/b.sock")).withMac("52:54:00:zz:00:01"));
        assertThat(violations(b)).singleElement().asString()
                .startsWith("vhostUser[1].mac: '52:54:00:zz:00:01' is not a MAC address");
        assertThat(violations(valid().userNetwork(UserNetwork.noForward().withMac("01:00:5e:00:00:01"))))
                .singleElement().asString().startsWith("userNetwork.mac: '01:00:5e:00:00:01' is a multicast address");
    }

    @Test
    void duplicateMacNamesBothNics() {
        VmSpec.Builder b = valid().userNetwork(UserNetwork.noForward())
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")).withMac("52:54:00:00:07:FF"));
        assertThat(violations(b)).containsExactly(
                "vhostUser[0].mac: 52:54:00:00:07:ff is already used by userNetwork; every NIC needs its own MAC");
    }

    @Test
    void anExplicitPciSlotThatClashesWithAnEarlierNicIsAViolation() {
        VmSpec.Builder b = valid()
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")).withPciSlot(7))
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/b.sock")));
        assertThat(violations(b)).containsExactly(
                "vhostUser[1].pciSlot: slot 7 clashes with vhostUser[0], which QEMU creates first; choose another slot");
    }

    @Test
    void automaticallyPlacedDevicesCanTakeAVhostUserSlot() {
        // mgmt NIC and four extra NICs fill slots 2..6 before the first vhost-user NIC asks for slot 6
        VmSpec.Builder b = valid().userNetwork(UserNetwork.noForward());
        for (int i = 0; i < 4; i++) {
            b.addVirtioNic(VirtioNic.create());
        }
        b.addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")));
        assertThat(violations(b)).containsExactly("vhostUser[0].pciSlot: slot 6 clashes with virtioNics[3]"
                + " (automatic), which QEMU creates first; choose another slot or give the earlier devices"
                + " explicit slots");
        b.addVirtioNic(VirtioNic.create().withPciSlot(20));
        assertThat(violations(b)).hasSize(1);
    }

    @Test
    void pciSlotMustBeOnTheRootBusAndFree() {
        assertThat(violations(valid().addVirtioNic(VirtioNic.create().withPciSlot(1))))
                .containsExactly("virtioNics[0].pciSlot: 1 is outside 2..31 (lower slots belong to the machine's"
                        + " chipset)");
        assertThat(violations(valid().arch(Arch.AARCH64).qgaIsaSerial(false)
                .addVirtioNic(VirtioNic.create().withPciSlot(32)))).singleElement().asString()
                .startsWith("virtioNics[0].pciSlot: 32 is outside 1..31");
    }

    @Test
    void isaSerialAgentIsNotAvailableOnAarch64() {
        assertThat(violations(valid().arch(Arch.AARCH64))).containsExactly(
                "qgaIsaSerial: AARCH64's virt machine has no ISA bus; use qgaIsaSerial(false).qgaVirtioSerial(true)");
        assertThat(valid().arch(Arch.AARCH64).qgaIsaSerial(false).qgaVirtioSerial(true).build().arch())
                .isEqualTo(Arch.AARCH64);
    }

    @Test
    void sshForwardPortMustBeATcpPort() {
        assertThat(violations(valid().userNetwork(UserNetwork.sshForward(70000)))).containsExactly(
                "userNetwork.sshHostPort: 70000 is not a TCP port (1..65535)");
    }

    @Test
    void allViolationsAreReportedInOneMessage() {
        InvalidVmSpecException e = catchThrowableOfType(InvalidVmSpecException.class,
                () -> VmSpec.builder().id(300).name("x").memoryMib(64).smp(new Smp(1, 0, 1)).build());
        assertThat(e.violations()).hasSize(4);
        assertThat(e).hasMessageStartingWith("invalid VM spec 'x': 4 problems")
                .hasMessageContaining("\n  - id: 300").hasMessageContaining("\n  - memoryMib: 64")
                .hasMessageContaining("\n  - smp.cores: 0").hasMessageContaining("\n  - bootSource: required");
        assertThat(e).isInstanceOf(io.qemureactor.core.ConfigurationException.class);
    }

    @Test
    void nullPartsAreReportedNotThrownAsNpe() {
        assertThatThrownBy(() -> valid().arch(null).smp((Smp) null).memoryBackend(null).serialConsole(null).build())
                .isInstanceOf(InvalidVmSpecException.class)
                .hasMessageContaining("arch: required").hasMessageContaining("smp: required")
                .hasMessageContaining("memoryBackend: required").hasMessageContaining("serialConsole: required");
    }
}
