package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The PCI devices of a {@link VmSpec} in the order QEMU creates them, with the netdev id, MAC and PCI slot
 * of every NIC after the seed's defaults: computed once from the spec, then read by the spec's validation
 * (slot clashes, MAC clashes) and by {@code QemuCommandLine} (ids, MACs, {@code addr=}), so the command line
 * cannot put a device somewhere else than where validation expected it.
 *
 * <p>Creation order, measured on QEMU 7.2 ({@code query-pci}): {@code -device}s in command-line order, and a
 * device without {@code addr} takes the lowest free slot at that moment; the virtio-blk of
 * {@code -drive if=virtio} is created after every {@code -device}. So the order is: management NIC, extra
 * virtio NICs, 9p share, virtio-serial (QGA), vhost-user NICs, disk; and an automatically placed device that
 * comes before an explicitly placed one can take its slot, which {@link VmSpec.Builder#build()} reports
 * instead of QEMU's "PCI: slot 6 function 0 not available" at launch.
 *
 * <p>Defaults (the seed's): MAC {@code 52:54:00:00:<vm id>:ff} for the management NIC,
 * {@code 52:54:00:00:<vm id>:<0x80+i>} for the i-th extra virtio NIC, {@code 52:54:00:00:<vm id>:<n>} and
 * slot {@code n+5} for the n-th vhost-user NIC (from 1).
 */
public final class DevicePlan {

    /** The seed's management NIC octet: {@code 52:54:00:00:<vm>:ff}. */
    public static final int MANAGEMENT_NIC_OCTET = 0xff;
    /** First MAC octet of the extra virtio NICs, clear of the vhost-user NICs (1, 2, ...). */
    public static final int VIRTIO_NIC_OCTET_BASE = 0x80;
    /** vhost-user NIC n (1-based) sits in PCI slot n + 5, where the seed's guest configs look for it. */
    public static final int VHOST_USER_SLOT_OFFSET = 5;
    /** The last slot on the root bus. */
    public static final int LAST_PCI_SLOT = 31;

    /** What a planned device is, one value per kind of {@code -device} (or drive) the renderer emits. */
    public enum Role {
        /** The user-mode management NIC ({@code -netdev user,id=mgmt}). */
        MANAGEMENT_NIC,
        /** An extra virtio NIC on its own user-mode network. */
        VIRTIO_NIC,
        /** The virtio-9p device that shares the kernel VM's root. */
        NINE_P_ROOT,
        /** The virtio-serial controller of the guest agent's virtio channel. */
        VIRTIO_SERIAL,
        /** A vhost-user NIC. */
        VHOST_USER_NIC,
        /** The virtio-blk device of the boot disk, created after every {@code -device}. */
        DISK
    }

    /**
     * One PCI device of the plan.
     *
     * @param field the spec field it comes from, as validation messages name it ({@code vhostUser[0]})
     * @param role what it is
     * @param addr the slot written on the command line ({@code addr=}); empty when QEMU picks the slot
     * @param slot the slot QEMU will put it in; empty only while a spec is checked and the device cannot be placed
     * @param nic the NIC's id, MAC and slot, for NICs
     */
    public record Device(String field, Role role, OptionalInt addr, OptionalInt slot, Optional<NicAssignment> nic) {
    }

    private final List<Device> devices;
    private final List<NicAssignment> nics;
    private final List<String> problems;

    private DevicePlan(List<Device> devices, List<String> problems) {
        this.devices = List.copyOf(devices);
        this.nics = devices.stream().flatMap(d -> d.nic().stream()).toList();
        this.problems = List.copyOf(problems);
    }

    /**
     * Plans the devices of {@code spec}. A spec that passed {@link VmSpec.Builder#build()} has a plan without
     * {@link #problems()}; the builder plans its unchecked values to find them.
     */
    static DevicePlan of(VmSpec spec) {
        return new Planner(spec).plan();
    }

    /** {@return every PCI device, in the order QEMU creates them} */
    public List<Device> devices() {
        return devices;
    }

    /**
     * The devices of one role, in order.
     *
     * @param role the role to keep
     * @return those devices, in creation order
     */
    public List<Device> devices(Role role) {
        return devices.stream().filter(d -> d.role() == role).toList();
    }

    /** {@return every NIC with its netdev id, MAC and PCI slot: management NIC, extra virtio NICs, vhost-user NICs} */
    public List<NicAssignment> nics() {
        return nics;
    }

    /**
     * The NICs of one kind, in order.
     *
     * @param kind the kind to keep
     * @return those NICs, in the order of {@link #nics()}
     */
    public List<NicAssignment> nics(NicAssignment.NicKind kind) {
        return nics.stream().filter(n -> n.kind() == kind).toList();
    }

    /** What cannot be placed or addressed: bad or shared MACs, slots off the bus or clashing, each naming its field. */
    List<String> problems() {
        return problems;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DevicePlan[");
        for (Device d : devices) {
            if (sb.length() > "DevicePlan[".length()) {
                sb.append(", ");
            }
            sb.append(d.field()).append('@').append(d.slot().isPresent() ? String.valueOf(d.slot().getAsInt()) : "?");
        }
        return sb.append(']').toString();
    }

    /** One planning pass over a spec whose values may not have been checked yet. */
    private static final class Planner {
        private final VmSpec spec;
        private final int firstFree;
        private final int vmOctet;
        private final List<Device> devices = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private final Map<Integer, String> occupied = new LinkedHashMap<>();
        private final Map<MacAddress, String> macOwners = new HashMap<>();

        Planner(VmSpec spec) {
            this.spec = spec;
            this.firstFree = (spec.arch() != null ? spec.arch() : Arch.X86_64).firstFreePciSlot();
            // an id outside 1..255 is reported by validation; the MACs are still planned to find their problems
            this.vmOctet = spec.id() >= 1 && spec.id() <= 255 ? spec.id() : 0;
        }

        DevicePlan plan() {
            spec.userNetwork().ifPresent(user -> nic("userNetwork", Role.MANAGEMENT_NIC, OptionalInt.empty(),
                    mac("userNetwork.mac", user.mac(), MANAGEMENT_NIC_OCTET),
                    m -> new NicAssignment("mgmt", NicAssignment.NicKind.USER_MANAGEMENT, m, OptionalInt.empty(),
                            Optional.empty())));
            List<VirtioNic> virtio = spec.virtioNics();
            for (int i = 0; i < virtio.size(); i++) {
                String field = "virtioNics[" + i + "]";
                OptionalInt addr = virtio.get(i).pciSlot();
                String id = "net" + i;
                nic(field, Role.VIRTIO_NIC, addr, mac(field + ".mac", virtio.get(i).mac(), VIRTIO_NIC_OCTET_BASE + i),
                        m -> new NicAssignment(id, NicAssignment.NicKind.USER_VIRTIO, m, addr, Optional.empty()));
            }
            if (spec.bootSource() instanceof BootSource.KernelBoot k && k.ninePRoot().isPresent()) {
                device("bootSource.ninePRoot", Role.NINE_P_ROOT);
            }
            if (spec.qgaVirtioSerial()) {
                device("qgaVirtioSerial", Role.VIRTIO_SERIAL);
            }
            List<VhostUserNic> vhost = spec.vhostUserNics();
            for (int i = 0; i < vhost.size(); i++) {
                VhostUserNic nic = vhost.get(i);
                String field = "vhostUser[" + i + "]";
                int n = i + 1;
                OptionalInt addr = nic.pciSlot().isPresent() ? nic.pciSlot() : OptionalInt.of(n + VHOST_USER_SLOT_OFFSET);
                Path socket = nic.socket();
                nic(field, Role.VHOST_USER_NIC, addr, mac(field + ".mac", nic.mac(), n),
                        m -> new NicAssignment("vhost" + n, NicAssignment.NicKind.VHOST_USER, m, addr,
                                Optional.of(socket)));
            }
            if (spec.bootSource() instanceof BootSource.DiskImage) {
                device("bootSource", Role.DISK);
            }
            return new DevicePlan(devices, problems);
        }

        /** A NIC; one whose MAC is unusable still takes its slot (so later slot problems are found) but gets no entry. */
        private void nic(String field, Role role, OptionalInt addr, MacAddress mac,
                Function<MacAddress, NicAssignment> assignment) {
            OptionalInt slot = place(field, addr);
            if (mac != null) {
                devices.add(new Device(field, role, addr, slot, Optional.of(assignment.apply(mac))));
            }
        }

        private void device(String field, Role role) {
            devices.add(new Device(field, role, OptionalInt.empty(), place(field, OptionalInt.empty()), Optional.empty()));
        }

        /** Where QEMU will put the next device: its explicit slot if free and on the bus, else the lowest free one. */
        private OptionalInt place(String field, OptionalInt addr) {
            if (addr.isPresent()) {
                int slot = addr.getAsInt();
                if (slot < firstFree || slot > LAST_PCI_SLOT) {
                    problems.add(field + ".pciSlot: " + slot + " is outside " + firstFree + ".." + LAST_PCI_SLOT
                            + " (lower slots belong to the machine's chipset)");
                    return OptionalInt.empty();
                }
                String holder = occupied.get(slot);
                if (holder != null) {
                    problems.add(field + ".pciSlot: slot " + slot + " clashes with " + holder
                            + ", which QEMU creates first; choose another slot"
                            + (holder.contains("(automatic)") ? " or give the earlier devices explicit slots" : ""));
                    return OptionalInt.empty();
                }
                occupied.put(slot, field);
                return addr;
            }
            for (int slot = firstFree; slot <= LAST_PCI_SLOT; slot++) {
                if (!occupied.containsKey(slot)) {
                    occupied.put(slot, field + " (automatic)");
                    return OptionalInt.of(slot);
                }
            }
            problems.add(field + ": no free PCI slot left on the root bus (" + firstFree + ".." + LAST_PCI_SLOT
                    + "); remove devices");
            return OptionalInt.empty();
        }

        /** The NIC's MAC: given or the seed's default; null (and a problem) when malformed or already taken. */
        private MacAddress mac(String field, Optional<String> given, int nicOctet) {
            MacAddress mac;
            try {
                mac = given.isPresent() ? MacAddress.parse(given.get()) : MacAddress.seedDefault(vmOctet, nicOctet);
            } catch (IllegalArgumentException e) {
                problems.add(field + ": " + e.getMessage());
                return null;
            }
            String owner = macOwners.putIfAbsent(mac, field);
            if (owner != null) {
                problems.add(field + ": " + mac + " is already used by " + owner.replace(".mac", "")
                        + "; every NIC needs its own MAC");
                return null;
            }
            return mac;
        }
    }
}
