package io.qemureactor.core.spec;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Ethernet MAC address in QEMU's colon notation, lower case. Guests are mapped to our NICs by MAC
 * (QGA's {@code guest-network-get-interfaces}), so the defaults are predictable:
 * {@code 52:54:00:00:<vm id>:<nic>} like the seed (52:54:00 is QEMU's locally administered prefix).
 *
 * @param value the address, six lower-case hex octets separated by colons
 */
public record MacAddress(String value) {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

    /**
     * Lower-cases and checks the address.
     *
     * @param value six hex octets separated by colons, any case
     * @throws NullPointerException if {@code value} is {@code null}
     * @throws IllegalArgumentException if it is not a MAC address or is a multicast one
     */
    public MacAddress {
        Objects.requireNonNull(value, "value");
        value = value.toLowerCase(Locale.ROOT);
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value
                    + "' is not a MAC address: expected six hex octets separated by colons, e.g. 52:54:00:00:01:01");
        }
        if ((Integer.parseInt(value.substring(0, 2), 16) & 1) != 0) {
            throw new IllegalArgumentException("'" + value
                    + "' is a multicast address (lowest bit of the first octet set): a NIC needs a unicast MAC");
        }
    }

    /**
     * Parses a MAC address, ignoring surrounding white space.
     *
     * @param text six hex octets separated by colons, any case
     * @return the address, in lower case
     * @throws IllegalArgumentException if {@code text} is not a unicast MAC address
     */
    public static MacAddress parse(String text) {
        return new MacAddress(text.strip());
    }

    /**
     * The seed's scheme: {@code 52:54:00:00:<vmId as 2 hex digits>:<nic as 2 hex digits>}.
     *
     * @param vmId the VM id, 0..255
     * @param nic the NIC number, 0..255
     * @return the address
     * @throws IllegalArgumentException if either number does not fit one octet
     */
    public static MacAddress seedDefault(int vmId, int nic) {
        if (vmId < 0 || vmId > 0xff || nic < 0 || nic > 0xff) {
            throw new IllegalArgumentException("vm id and nic must be 0..255 to fit one MAC octet each: " + vmId
                    + ", " + nic);
        }
        return new MacAddress(String.format(Locale.ROOT, "52:54:00:00:%02x:%02x", vmId, nic));
    }

    @Override
    public String toString() {
        return value;
    }
}
