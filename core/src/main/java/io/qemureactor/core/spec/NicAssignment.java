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
 * @param pciSlot the explicit PCI slot, or empty when QEMU places the device
 * @param socket the vhost-user socket, for vhost-user NICs
 */
public record NicAssignment(String netdevId, NicKind kind, MacAddress mac, OptionalInt pciSlot,
        Optional<Path> socket) {

    public NicAssignment {
        Objects.requireNonNull(netdevId, "netdevId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(pciSlot, "pciSlot");
        Objects.requireNonNull(socket, "socket");
    }

    /** The three sorts of NIC a spec can ask for. */
    public enum NicKind {
        USER_MANAGEMENT,
        USER_VIRTIO,
        VHOST_USER
    }
}
