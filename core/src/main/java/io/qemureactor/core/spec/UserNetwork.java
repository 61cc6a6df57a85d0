package io.qemureactor.core.spec;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The management NIC on QEMU's user-mode (slirp) network, as the seed's nested VM had: the host
 * reaches the guest's sshd through a host port forward. Its default MAC is the seed's
 * {@code 52:54:00:00:<vm>:ff}.
 *
 * @param sshHostPort host TCP port forwarded to the guest's port 22, if any (seed: 10021 + vm id)
 * @param hostBindAddress host address the forward listens on; empty means all addresses, like the seed
 * @param mac the NIC's MAC as given; empty means the seed's default
 */
public record UserNetwork(OptionalInt sshHostPort, Optional<String> hostBindAddress, Optional<String> mac) {

    /**
     * Checks that no component is {@code null}.
     *
     * @param sshHostPort host TCP port forwarded to the guest's port 22, if any
     * @param hostBindAddress host address the forward listens on; empty means all
     * @param mac the NIC's MAC; empty means the seed's default
     * @throws NullPointerException if a component is {@code null}
     */
    public UserNetwork {
        Objects.requireNonNull(sshHostPort, "sshHostPort");
        Objects.requireNonNull(hostBindAddress, "hostBindAddress");
        Objects.requireNonNull(mac, "mac");
    }

    /** {@return user networking without any host forward} */
    public static UserNetwork noForward() {
        return new UserNetwork(OptionalInt.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * User networking with the guest's ssh port reachable on {@code hostPort} on every host address.
     *
     * @param hostPort the host TCP port; QEMU fails to start if it is taken
     * @return the network
     */
    public static UserNetwork sshForward(int hostPort) {
        return new UserNetwork(OptionalInt.of(hostPort), Optional.empty(), Optional.empty());
    }

    /**
     * A copy whose forward listens only on {@code address}, e.g. {@code 127.0.0.1}.
     *
     * @param address an IPv4 address or host name of the host (checked on build)
     * @return the copy
     */
    public UserNetwork bindTo(String address) {
        return new UserNetwork(sshHostPort, Optional.of(address), mac);
    }

    /**
     * A copy with an explicit MAC for the management NIC (checked on build).
     *
     * @param newMac the MAC in colon notation
     * @return the copy
     */
    public UserNetwork withMac(String newMac) {
        return new UserNetwork(sshHostPort, hostBindAddress, Optional.of(newMac));
    }
}
