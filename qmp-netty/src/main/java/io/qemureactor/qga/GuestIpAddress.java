package io.qemureactor.qga;

/**
 * One address of a guest interface.
 *
 * @param type {@code ipv4} or {@code ipv6}
 * @param address the address, e.g. {@code 192.0.2.2}
 * @param prefix the prefix length
 */
public record GuestIpAddress(String type, String address, int prefix) {
}
