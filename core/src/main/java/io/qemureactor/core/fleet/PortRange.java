package io.qemureactor.core.fleet;

/**
 * An inclusive range of TCP ports, e.g. the ports a host lets VMs use for their ssh forwards
 * ({@code 10022-10099}): a port outside it is refused by the ledger, so fleets sharing a host can
 * be given ranges that do not overlap.
 */
public record PortRange(int first, int last) {

    public PortRange {
        if (first < 1 || last > 65535 || last < first) {
            throw new IllegalArgumentException("port range " + first + "-" + last
                    + " is not within 1..65535 with first <= last");
        }
    }

    /** Parses {@code 10022-10099} or a single port {@code 10022}. */
    public static PortRange parse(String text) {
        String t = text.strip();
        int dash = t.indexOf('-');
        try {
            if (dash < 0) {
                int p = Integer.parseInt(t);
                return new PortRange(p, p);
            }
            return new PortRange(Integer.parseInt(t.substring(0, dash).strip()), Integer.parseInt(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a port range (expected e.g. 10022-10099)");
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
