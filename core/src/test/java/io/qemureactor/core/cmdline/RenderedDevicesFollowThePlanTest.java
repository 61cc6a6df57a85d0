package io.qemureactor.core.cmdline;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.DevicePlan;
import io.qemureactor.core.spec.NicAssignment;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VhostUserNic;
import io.qemureactor.core.spec.VirtioNic;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The command line puts every PCI device where the spec's device plan (and so its validation) expects it: the
 * PCI devices read back from the argv, in QEMU's creation order, are the plan's, with its ids, MACs and slots.
 */
class RenderedDevicesFollowThePlanTest {

    static Stream<VmSpec> specs() {
        BootSource.KernelBoot ninePKernel = BootSource.kernel(Path.of("/boot/vmlinuz"), Path.of("/boot/initrd"), "")
                .withNinePRoot(BootSource.NinePRoot.hostRoot(Path.of("/tmp/init.sh")));
        return Stream.of(
                GoldenSpecs.nestedVm(), GoldenSpecs.kernelVm(), GoldenSpecs.vhostUserVm(), GoldenSpecs.aarch64KernelVm(),
                VmSpec.builder().id(4).kernel(ninePKernel).qgaVirtioSerial(true).userNetwork(UserNetwork.noForward())
                        .addVirtioNic(VirtioNic.create()).addVirtioNic(VirtioNic.create().withPciSlot(15))
                        .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")))
                        .addVhostUserNic(VhostUserNic.client(Path.of("/run/b.sock")).withPciSlot(9).withMac("52:54:00:0a:0b:0c"))
                        .build(),
                VmSpec.builder().id(5).diskImage(Path.of("/img/disk.img")).qgaVirtioSerial(true)
                        .userNetwork(UserNetwork.sshForward(2200)).addVirtioNic(VirtioNic.create())
                        .addVhostUserNic(VhostUserNic.server(Path.of("/run/c.sock"))).build());
    }

    @ParameterizedTest
    @MethodSource("specs")
    void pciDevicesOfTheArgvAreThePlansInItsOrder(VmSpec spec) {
        List<String> argv = QemuCommandLine.render(spec,
                spec.accelerator().isResolved() ? spec.accelerator() : Accelerator.TCG, GoldenSpecs.layout(spec)).argv();
        List<String> rendered = pciDevices(argv);
        List<String> planned = spec.devicePlan().devices().stream().map(RenderedDevicesFollowThePlanTest::expected)
                .toList();
        assertThat(rendered).containsExactlyElementsOf(planned);
    }

    /** The PCI devices of an argv in QEMU's creation order: each {@code -device}, then a virtio {@code -drive}. */
    private static List<String> pciDevices(List<String> argv) {
        List<String> devices = new ArrayList<>();
        boolean disk = false;
        for (int i = 0; i < argv.size() - 1; i++) {
            String value = argv.get(i + 1);
            if (argv.get(i).equals("-device") && value.contains("-pci")) {
                devices.add(describe(value));
            } else if (argv.get(i).equals("-drive") && value.contains("if=virtio")) {
                disk = true;
            }
        }
        if (disk) {
            devices.add("disk");
        }
        return devices;
    }

    /** A {@code -device} value reduced to what the plan decides: type, netdev id, MAC and slot. */
    private static String describe(String device) {
        List<String> kept = new ArrayList<>();
        for (String part : device.split(",")) {
            if (!part.contains("=") || part.startsWith("netdev=") || part.startsWith("mac=") || part.startsWith("addr=")) {
                kept.add(part);
            }
        }
        return String.join(",", kept);
    }

    private static String expected(DevicePlan.Device d) {
        String addr = d.addr().isPresent() ? ",addr=" + Integer.toHexString(d.addr().getAsInt()) + ".0" : "";
        return switch (d.role()) {
            case MANAGEMENT_NIC, VIRTIO_NIC, VHOST_USER_NIC -> {
                NicAssignment nic = d.nic().orElseThrow();
                yield "virtio-net-pci,netdev=" + nic.netdevId() + ",mac=" + nic.mac() + addr;
            }
            case NINE_P_ROOT -> "virtio-9p-pci";
            case VIRTIO_SERIAL -> "virtio-serial-pci";
            case DISK -> "disk";
        };
    }
}
