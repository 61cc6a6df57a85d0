package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One entry of {@code guest-network-get-interfaces}: how the guest names a NIC, its MAC
 * (how the engine maps guest names to its own NICs) and its addresses.
 *
 * @param name the guest's interface name, e.g. {@code eth0}
 * @param macAddress lower-case {@code aa:bb:cc:dd:ee:ff}, empty if the agent gave none
 * @param ipAddresses the configured addresses
 */
public record GuestNetworkInterface(String name, String macAddress, List<GuestIpAddress> ipAddresses) {

    /**
     * Keeps an unmodifiable copy of the addresses.
     *
     * @param name the guest's interface name
     * @param macAddress the MAC address, lower case, or empty
     * @param ipAddresses the configured addresses
     */
    public GuestNetworkInterface {
        ipAddresses = List.copyOf(ipAddresses);
    }

    static List<GuestNetworkInterface> listFrom(JsonNode array) {
        List<GuestNetworkInterface> interfaces = new ArrayList<>();
        array.forEach(i -> {
            List<GuestIpAddress> addresses = new ArrayList<>();
            i.path("ip-addresses").forEach(a -> addresses.add(new GuestIpAddress(a.path("ip-address-type").asText(),
                    a.path("ip-address").asText(), a.path("prefix").asInt())));
            interfaces.add(new GuestNetworkInterface(i.path("name").asText(),
                    i.path("hardware-address").asText("").toLowerCase(Locale.ROOT), addresses));
        });
        return List.copyOf(interfaces);
    }
}
