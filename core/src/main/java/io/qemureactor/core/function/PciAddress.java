package io.qemureactor.core.function;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A PCI device address inside the guest, {@code domain:bus:slot.function} in the form Linux uses under
 * {@code /sys/bus/pci/devices} (lower-case hex, e.g. {@code 0000:00:06.0}). The init script builds sysfs
 * paths from it and VPP's {@code dpdk { dev ... }} names devices by it, so only this exact shape is
 * accepted: anything else would either miss the device or, in a script, be a way to inject text.
 *
 * @param value the address, e.g. {@code 0000:00:06.0}
 */
public record PciAddress(String value) {

    private static final Pattern FORMAT = Pattern.compile("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$");

    /**
     * Checks the shape.
     *
     * @param value the address, e.g. {@code 0000:00:06.0}
     * @throws InvalidFunctionConfigException naming {@code pciAddress} if {@code value} is not
     *     {@code dddd:bb:ss.f} in lower-case hex
     * @throws NullPointerException if {@code value} is null
     */
    public PciAddress {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new InvalidFunctionConfigException("pciAddress", "'" + printable(value)
                    + "' is not a PCI address: expected dddd:bb:ss.f in lower-case hex, e.g. 0000:00:06.0");
        }
    }

    /**
     * Same as the constructor.
     *
     * @param text an address such as {@code 0000:00:06.0}
     * @return the address
     * @throws InvalidFunctionConfigException naming {@code pciAddress} if {@code text} has another shape
     */
    public static PciAddress parse(String text) {
        return new PciAddress(text);
    }

    /**
     * The device in {@code slot} of the guest's root bus, function 0: where the VM spec places its
     * vhost-user NICs (slot n+5 for the n-th NIC, so 0000:00:06.0 and 0000:00:07.0 for the seed's two).
     *
     * @param slot the slot number, 0 to 31
     * @return {@code 0000:00:SS.0} with {@code SS} the slot in hex
     * @throws InvalidFunctionConfigException naming {@code slot} if it is outside 0..31
     */
    public static PciAddress rootBusSlot(int slot) {
        if (slot < 0 || slot > 31) {
            throw new InvalidFunctionConfigException("slot", slot + " is outside 0..31");
        }
        return new PciAddress(String.format(Locale.ROOT, "0000:00:%02x.0", slot));
    }

    /** {@return the address as Linux writes it, i.e. {@link #value()}} */
    @Override
    public String toString() {
        return value;
    }

    static String printable(String s) {
        return s.replace("\n", "\\n").replace("\r", "\\r");
    }
}
