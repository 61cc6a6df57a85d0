package io.qemureactor.core.vm;

import java.util.List;

/**
 * A NIC of our spec as the guest sees it, matched by MAC (the seed's {@code _update_vm_interfaces}).
 *
 * @param netdevId  the NIC's id in the spec ({@code mgmt}, {@code vhost1}, ...)
 * @param mac       its MAC address, lower case
 * @param guestName the interface name inside the guest ({@code eth0})
 * @param addresses the IP addresses the guest agent reports for it, as {@code addr/prefix}
 */
public record GuestNic(String netdevId, String mac, String guestName, List<String> addresses) {

    /**
     * Copies the address list.
     *
     * @param netdevId the NIC's id in the spec ({@code mgmt}, {@code vhost1}, ...)
     * @param mac its MAC address, lower case
     * @param guestName the interface name inside the guest ({@code eth0})
     * @param addresses the IP addresses the guest agent reports for it, as {@code addr/prefix}
     */
    public GuestNic {
        addresses = List.copyOf(addresses);
    }
}
