package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A virtio-net NIC whose data plane is a vhost-user back-end on a unix socket (the seed's
 * {@code qemu_add_vhost_user_if}). The n-th such NIC (1-based) gets, unless given, MAC
 * {@code 52:54:00:00:<vm>:<n>} and PCI slot {@code n+5}, so the guest finds them at
 * 0000:00:06.0, 0000:00:07.0, ... as the seed's VPP/testpmd configuration expects.
 *
 * <p>Create with {@link #server(Path)} or {@link #client(Path)} and refine with the {@code with...}
 * methods; every one returns a copy.
 *
 * @param socket the vhost-user unix socket
 * @param mode whether QEMU listens on the socket (server) or connects to it (client)
 * @param queues number of queue pairs (mq); the device gets {@code 2*queues+2} MSI-X vectors
 * @param queueSize rx/tx ring size, empty for QEMU's default
 * @param jumboFrames mergeable rx buffers on and a 9200-byte host MTU, as the seed's jumbo tests
 * @param mac the MAC as given; empty means the default
 * @param pciSlot the PCI slot as given; empty means {@code n+5}
 */
public record VhostUserNic(Path socket, VhostUserMode mode, int queues, OptionalInt queueSize, boolean jumboFrames,
        Optional<String> mac, OptionalInt pciSlot) {

    /**
     * Checks that no component is {@code null}; the values themselves are checked when the spec is built.
     *
     * @param socket the vhost-user unix socket
     * @param mode server or client
     * @param queues number of queue pairs
     * @param queueSize rx/tx ring size, empty for QEMU's default
     * @param jumboFrames mergeable rx buffers and a 9200-byte host MTU
     * @param mac the MAC, empty for the default
     * @param pciSlot the PCI slot, empty for the default
     * @throws NullPointerException if a component is {@code null}
     */
    public VhostUserNic {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(queueSize, "queueSize");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(pciSlot, "pciSlot");
    }

    /**
     * QEMU listens on {@code socket} (seed default {@code server=True}). One queue, default ring size.
     *
     * @param socket the socket path QEMU creates
     * @return the NIC
     */
    public static VhostUserNic server(Path socket) {
        return new VhostUserNic(socket, VhostUserMode.SERVER, 1, OptionalInt.empty(), false, Optional.empty(),
                OptionalInt.empty());
    }

    /**
     * QEMU connects to {@code socket}, where the back-end listens.
     *
     * @param socket the back-end's socket path
     * @return the NIC
     */
    public static VhostUserNic client(Path socket) {
        return new VhostUserNic(socket, VhostUserMode.CLIENT, 1, OptionalInt.empty(), false, Optional.empty(),
                OptionalInt.empty());
    }

    /**
     * A copy with {@code n} queue pairs, 1..{@value VmSpec#MAX_VHOST_USER_QUEUES} (checked on build).
     *
     * @param n the number of queue pairs
     * @return the copy
     */
    public VhostUserNic withQueues(int n) {
        return new VhostUserNic(socket, mode, n, queueSize, jumboFrames, mac, pciSlot);
    }

    /**
     * A copy with an explicit rx/tx ring size ({@code rx_queue_size}/{@code tx_queue_size}).
     *
     * @param size the ring size in descriptors: 256, 512 or 1024 (checked on build)
     * @return the copy
     */
    public VhostUserNic withQueueSize(int size) {
        return new VhostUserNic(socket, mode, queues, OptionalInt.of(size), jumboFrames, mac, pciSlot);
    }

    /**
     * A copy with jumbo frames on or off.
     *
     * @param on {@code true} for mergeable rx buffers and a 9200-byte host MTU
     * @return the copy
     */
    public VhostUserNic withJumboFrames(boolean on) {
        return new VhostUserNic(socket, mode, queues, queueSize, on, mac, pciSlot);
    }

    /**
     * A copy with an explicit MAC (checked on build).
     *
     * @param newMac the MAC in colon notation
     * @return the copy
     */
    public VhostUserNic withMac(String newMac) {
        return new VhostUserNic(socket, mode, queues, queueSize, jumboFrames, Optional.of(newMac), pciSlot);
    }

    /**
     * A copy with an explicit PCI slot on the root bus (checked on build).
     *
     * @param slot the slot number
     * @return the copy
     */
    public VhostUserNic withPciSlot(int slot) {
        return new VhostUserNic(socket, mode, queues, queueSize, jumboFrames, mac, OptionalInt.of(slot));
    }

    /** {@return MSI-X vectors: one per rx and tx queue plus config and control, as the seed computed} */
    public int vectors() {
        return 2 * queues + 2;
    }
}
