package io.qemureactor.core.spec;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Ethernet MAC address in QEMU's colon notation, lower case. Guests are mapped to our NICs by MAC
 * (QGA's {@code guest-network-get-interfaces}), so the defaults are predictable:
 * {@code 52:54:00:00:<vm id>:<nic>} like the seed (52:54:00 is QEMU's locally administered prefix).
 */
public record MacAddress(String value) {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{2}(:[0-9a-f]{2}){5}");

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

    public static MacAddress parse(String text) {
        return new MacAddress(text.strip());
    }

    /** The seed's scheme: {@code 52:54:00:00:<vmId as 2 hex digits>:<nic as 2 hex digits>}. */
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
