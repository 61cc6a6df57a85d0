package io.qemureactor.core.template;

import io.qemureactor.core.probe.BootProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-clone choices of a restore. A clone's MACs are its spec's (set in the guest after the restore, see
 * {@link TemplateRestorer}); its IP addresses are given here, because a spec holds none.
 *
 * @param hostname     set the guest's hostname to this after the restore (through the agent); empty: the
 *                     clone keeps the template's
 * @param readyTimeout how long the clone's agent may take to answer after {@code cont}
 * @param addresses    an IPv4 address with prefix ({@code 10.0.0.2/24}) per NIC, by the spec's netdev id
 *                     ({@code mgmt}, {@code net1}, {@code vhost1}): it replaces the addresses the NIC had in the
 *                     template
 */
public record CloneOptions(Optional<String> hostname, Duration readyTimeout, Map<String, String> addresses) {

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern CIDR = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)/(3[0-2]|[12]?\\d)");

    /**
     * Checks the components and copies {@code addresses}.
     *
     * @param hostname the clone's hostname, or empty to keep the template's
     * @param readyTimeout how long the clone's agent may take to answer
     * @param addresses IPv4 address with prefix per netdev id; copied
     * @throws IllegalArgumentException for an invalid host name or an address that is not IPv4 with a prefix
     */
    public CloneOptions {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        addresses = Map.copyOf(addresses);
        hostname.ifPresent(h -> {
            if (!HOSTNAME.matcher(h).matches()) {
                throw new IllegalArgumentException("hostname '" + h + "' is not a valid host name (letters, digits, '-')");
            }
        });
        addresses.forEach((nic, address) -> {
            if (!CIDR.matcher(address).matches()) {
                throw new IllegalArgumentException("address '" + address + "' of " + nic
                        + " is not an IPv4 address with a prefix (e.g. 10.0.0.2/24)");
            }
        });
    }

    /**
     * The template's hostname and addresses, the agent probe's default bound.
     *
     * @return the default options
     */
    public static CloneOptions defaults() {
        return new CloneOptions(Optional.empty(), BootProbe.DEFAULT_TIMEOUT, Map.of());
    }

    /**
     * These options with the clone's hostname set.
     *
     * @param name a host name (letters, digits, inner '-', at most 63 characters)
     * @return a copy; fails with {@link IllegalArgumentException} for an invalid name
     */
    public CloneOptions withHostname(String name) {
        return new CloneOptions(Optional.of(name), readyTimeout, addresses);
    }

    /**
     * These options with another bound on the agent's first answer.
     *
     * @param timeout how long the clone's agent may take to answer after {@code cont}
     * @return a copy
     */
    public CloneOptions withReadyTimeout(Duration timeout) {
        return new CloneOptions(hostname, timeout, addresses);
    }

    /**
     * Gives the NIC {@code netdevId} the address {@code cidr} (e.g. {@code 10.0.0.2/24}) in the clone.
     *
     * @param netdevId the spec's netdev id ({@code mgmt}, {@code net1}, ...)
     * @param cidr an IPv4 address with prefix
     * @return a copy; fails with {@link IllegalArgumentException} if {@code cidr} is not IPv4 with a prefix
     */
    public CloneOptions withAddress(String netdevId, String cidr) {
        Map<String, String> more = new LinkedHashMap<>(addresses);
        more.put(Objects.requireNonNull(netdevId, "netdevId"), Objects.requireNonNull(cidr, "cidr"));
        return new CloneOptions(hostname, readyTimeout, more);
    }
}
