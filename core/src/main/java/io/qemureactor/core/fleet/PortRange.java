package io.qemureactor.core.fleet;

/**
 * An inclusive range of TCP ports, e.g. the ports a host lets VMs use for their ssh forwards
 * ({@code 10022-10099}): a port outside it is refused by the ledger, so fleets sharing a host can
 * be given ranges that do not overlap.
 *
 * @param first the lowest port, at least 1
 * @param last  the highest port, at most 65535
 */
public record PortRange(int first, int last) {

    /**
     * Validates the range.
     *
     * @param first the lowest port, at least 1
     * @param last the highest port, at most 65535
     * @throws IllegalArgumentException unless {@code 1 <= first <= last <= 65535}
     */
    public PortRange {
        if (first < 1 || last > 65535 || last < first) {
            throw new IllegalArgumentException("port range " + first + "-" + last
                    + " is not within 1..65535 with first <= last");
        }
    }

    /**
     * Parses {@code 10022-10099} or a single port {@code 10022}.
     *
     * @param text the range; spaces around the numbers are ignored
     * @return the range
     * @throws IllegalArgumentException if it is not a range or not within {@code 1..65535}
     */
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

    /**
     * Whether {@code port} is in the range, ends included.
     *
     * @param port a TCP port
     * @return {@code true} if {@code first <= port <= last}
     */
    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
