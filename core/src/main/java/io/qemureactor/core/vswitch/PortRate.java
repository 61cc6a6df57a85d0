package io.qemureactor.core.vswitch;

/**
 * One port's packet rates over a measured window (from two readings of its counters).
 *
 * @param port  the port number, 0-based
 * @param rxPps packets received per second
 * @param txPps packets sent per second
 */
public record PortRate(int port, double rxPps, double txPps) {
}
