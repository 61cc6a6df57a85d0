package io.qemureactor.core.spec;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An extra virtio-net NIC on its own user-mode network (not in the seed): a guest interface that
 * exists without a vhost-user back-end, e.g. for tests of MAC-to-name mapping. Default MAC
 * {@code 52:54:00:00:<vm>:<0x80+i>} for the i-th (0-based) extra NIC, clear of the vhost-user
 * range (01..) and the management NIC (ff).
 *
 * @param mac the MAC as given; empty means the default
 * @param pciSlot an explicit PCI slot; empty lets QEMU pick the lowest free one
 */
public record VirtioNic(Optional<String> mac, OptionalInt pciSlot) {

    /**
     * Checks that no component is {@code null}.
     *
     * @param mac the MAC as given; empty means the default
     * @param pciSlot an explicit PCI slot; empty lets QEMU pick
     * @throws NullPointerException if a component is {@code null}
     */
    public VirtioNic {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(pciSlot, "pciSlot");
    }

    /** {@return a NIC with the default MAC and a slot QEMU picks} */
    public static VirtioNic create() {
        return new VirtioNic(Optional.empty(), OptionalInt.empty());
    }

    /**
     * A copy with an explicit MAC (checked on build).
     *
     * @param newMac the MAC in colon notation
     * @return the copy
     */
    public VirtioNic withMac(String newMac) {
        return new VirtioNic(Optional.of(newMac), pciSlot);
    }

    /**
     * A copy with an explicit PCI slot on the root bus (checked on build).
     *
     * @param slot the slot number
     * @return the copy
     */
    public VirtioNic withPciSlot(int slot) {
        return new VirtioNic(mac, OptionalInt.of(slot));
    }
}
