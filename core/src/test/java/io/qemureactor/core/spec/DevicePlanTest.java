package io.qemureactor.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.qemureactor.core.spec.DevicePlan.Device;
import io.qemureactor.core.spec.DevicePlan.Role;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class DevicePlanTest {

    private static final BootSource.KernelBoot NINE_P_KERNEL = BootSource.kernel(Path.of("/boot/vmlinuz"),
            Path.of("/boot/initrd"), "").withNinePRoot(BootSource.NinePRoot.hostRoot(Path.of("/tmp/init.sh")));

    /** Every kind of device, in an order of calls unlike QEMU's creation order. */
    private static VmSpec everyKernelDevice() {
        return VmSpec.builder().id(9).kernel(NINE_P_KERNEL).qgaVirtioSerial(true)
                .addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")))
                .addVirtioNic(VirtioNic.create())
                .addVhostUserNic(VhostUserNic.client(Path.of("/run/b.sock")).withPciSlot(20).withMac("52:54:00:aa:00:01"))
                .addVirtioNic(VirtioNic.create().withPciSlot(12))
                .userNetwork(UserNetwork.sshForward(2222))
                .build();
    }

    @Test
    void devicesComeInQemusCreationOrderWhateverTheBuilderOrder() {
        assertThat(everyKernelDevice().devicePlan().devices()).extracting(Device::field, Device::role).containsExactly(
                tuple("userNetwork", Role.MANAGEMENT_NIC),
                tuple("virtioNics[0]", Role.VIRTIO_NIC),
                tuple("virtioNics[1]", Role.VIRTIO_NIC),
                tuple("bootSource.ninePRoot", Role.NINE_P_ROOT),
                tuple("qgaVirtioSerial", Role.VIRTIO_SERIAL),
                tuple("vhostUser[0]", Role.VHOST_USER_NIC),
                tuple("vhostUser[1]", Role.VHOST_USER_NIC));
    }

    @Test
    void theDiskIsCreatedAfterEveryDevice() {
        VmSpec spec = VmSpec.builder().id(9).diskImage(Path.of("/img/disk.img")).qgaVirtioSerial(true)
                .userNetwork(UserNetwork.noForward()).addVhostUserNic(VhostUserNic.server(Path.of("/run/a.sock")))
                .build();
        assertThat(spec.devicePlan().devices()).extracting(Device::role)
                .containsExactly(Role.MANAGEMENT_NIC, Role.VIRTIO_SERIAL, Role.VHOST_USER_NIC, Role.DISK);
        // slot 2 mgmt, 3 virtio-serial, 6 the vhost-user NIC (seed's n+5), then the disk takes the lowest free: 4
        assertThat(spec.devicePlan().devices()).extracting(d -> d.slot().getAsInt()).containsExactly(2, 3, 6, 4);
    }

    @Test
    void automaticDevicesTakeTheLowestFreeSlotAtTheirTurn() {
        // mgmt 2, net0 3, net1 asks for 12, 9p 4, virtio-serial 5, vhost1 6 (1+5), vhost2 asks for 20
        assertThat(everyKernelDevice().devicePlan().devices()).extracting(Device::addr, Device::slot).containsExactly(
                tuple(OptionalInt.empty(), OptionalInt.of(2)),
                tuple(OptionalInt.empty(), OptionalInt.of(3)),
                tuple(OptionalInt.of(12), OptionalInt.of(12)),
                tuple(OptionalInt.empty(), OptionalInt.of(4)),
                tuple(OptionalInt.empty(), OptionalInt.of(5)),
                tuple(OptionalInt.of(6), OptionalInt.of(6)),
                tuple(OptionalInt.of(20), OptionalInt.of(20)));
    }

    @Test
    void aarch64PlacesFromSlotOne() {
        VmSpec spec = VmSpec.builder().id(3).arch(Arch.AARCH64).kernel(NINE_P_KERNEL).qgaIsaSerial(false)
                .qgaVirtioSerial(true).build();
        assertThat(spec.devicePlan().devices()).extracting(d -> d.slot().getAsInt()).containsExactly(1, 2);
    }

    @Test
    void nicsGetTheSeedsIdsAndMacsUnlessGiven() {
        assertThat(everyKernelDevice().devicePlan().nics())
                .extracting(NicAssignment::netdevId, NicAssignment::kind, n -> n.mac().value(), NicAssignment::socket)
                .containsExactly(
                        tuple("mgmt", NicAssignment.NicKind.USER_MANAGEMENT, "52:54:00:00:09:ff", Optional.empty()),
                        tuple("net0", NicAssignment.NicKind.USER_VIRTIO, "52:54:00:00:09:80", Optional.empty()),
                        tuple("net1", NicAssignment.NicKind.USER_VIRTIO, "52:54:00:00:09:81", Optional.empty()),
                        tuple("vhost1", NicAssignment.NicKind.VHOST_USER, "52:54:00:00:09:01",
                                Optional.of(Path.of("/run/a.sock"))),
                        tuple("vhost2", NicAssignment.NicKind.VHOST_USER, "52:54:00:aa:00:01",
                                Optional.of(Path.of("/run/b.sock"))));
    }

    @Test
    void everyNicDeviceCarriesTheSameAssignmentAsTheSpecsNics() {
        VmSpec spec = everyKernelDevice();
        assertThat(spec.devicePlan().devices()).filteredOn(d -> d.nic().isPresent())
                .extracting(d -> d.nic().orElseThrow()).containsExactlyElementsOf(spec.nics());
        assertThat(spec.devicePlan().devices()).filteredOn(d -> d.nic().isPresent())
                .allSatisfy(d -> assertThat(d.nic().orElseThrow().pciSlot()).isEqualTo(d.addr()));
    }

    @Test
    void aValidSpecHasNoPlanProblemsAndAClashIsOne() {
        assertThat(everyKernelDevice().devicePlan().problems()).isEmpty();
        VmSpec.Builder clash = everyKernelDevice().toBuilder().addVirtioNic(VirtioNic.create().withPciSlot(6));
        assertThat(catchProblems(clash)).containsExactly("vhostUser[0].pciSlot: slot 6 clashes with virtioNics[2],"
                + " which QEMU creates first; choose another slot");
    }

    private static java.util.List<String> catchProblems(VmSpec.Builder b) {
        return org.assertj.core.api.Assertions.catchThrowableOfType(InvalidVmSpecException.class, b::build).violations();
    }
}
