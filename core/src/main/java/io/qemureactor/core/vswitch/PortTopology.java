package io.qemureactor.core.vswitch;

import java.util.Locale;

/** Which port forwards to which (testpmd's {@code --port-topology}). */
public enum PortTopology {
    /** 0 with 1, 2 with 3, ... */
    PAIRED,
    /** 0 to 1, 1 to 2, ..., the last to 0. */
    CHAINED,
    /** Each port back to itself. */
    LOOP;

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
