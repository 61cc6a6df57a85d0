package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A NIC as the guest will see it, after defaults are applied: the launcher maps guest interface
 * names to these by MAC, and the command line renders them with these ids, MACs and slots.
 *
 * @param netdevId QEMU's netdev id: {@code mgmt}, {@code net<i>} or {@code vhost<n>} (seed naming)
 * @param kind which sort of NIC this is
 * @param mac the MAC after defaults
 * @param pciSlot the explicit PCI slot, or empty when QEMU places the device
 * @param socket the vhost-user socket, for vhost-user NICs
 */
public record NicAssignment(String netdevId, NicKind kind, MacAddress mac, OptionalInt pciSlot,
        Optional<Path> socket) {

    /**
     * Checks that no component is {@code null}.
     *
     * @param netdevId QEMU's netdev id
     * @param kind which sort of NIC this is
     * @param mac the MAC after defaults
     * @param pciSlot the explicit PCI slot, or empty
     * @param socket the vhost-user socket, for vhost-user NICs
     * @throws NullPointerException if a component is {@code null}
     */
    public NicAssignment {
        Objects.requireNonNull(netdevId, "netdevId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(pciSlot, "pciSlot");
        Objects.requireNonNull(socket, "socket");
    }

    /** The three sorts of NIC a spec can ask for. */
    public enum NicKind {
        /** The management NIC on the user-mode network ({@link UserNetwork}). */
        USER_MANAGEMENT,
        /** An extra virtio NIC ({@link VirtioNic}). */
        USER_VIRTIO,
        /** A vhost-user NIC ({@link VhostUserNic}). */
        VHOST_USER
    }
}
