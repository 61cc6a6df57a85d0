package io.qemureactor.core.vswitch;

/** One port's packet rates over a measured window (from two readings of its counters). */
public record PortRate(int port, double rxPps, double txPps) {
}
