package io.qemureactor.core.vswitch;

import java.util.Locale;

/** What the switch does with what it receives (testpmd's {@code --forward-mode}). */
public enum SwitchMode {
    /** Forwards as received between its ports (testpmd's port topology decides which to which). */
    IO,
    /** As {@link #IO}, rewriting the MACs. */
    MAC,
    /** Counts and drops what it receives: a sink, and a generator that sends only bursts of its own. */
    RXONLY,
    /** Sends generated packets as fast as it can, on every port. */
    TXONLY;

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
