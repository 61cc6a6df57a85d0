package io.qemureactor.core.vswitch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One port's counters as testpmd's {@code show port stats} prints them (cumulative since the switch
 * started).
 *
 * @param port      the port number, 0-based
 * @param rxPackets packets received
 * @param rxBytes   bytes received
 * @param rxMissed  packets the port could not take (its ring was full)
 * @param rxErrors  receive errors
 * @param txPackets packets sent
 * @param txBytes   bytes sent
 * @param txErrors  packets the port could not send (the peer's ring was full, or no peer)
 */
public record PortCounters(int port, long rxPackets, long rxBytes, long rxMissed, long rxErrors, long txPackets,
        long txBytes, long txErrors) {

    private static final Pattern BLOCK = Pattern.compile("NIC statistics for port (\\d+)\\s*#+(.*?)#{20,}", Pattern.DOTALL);

    /** Every port block in a {@code show port stats} reply, in the order printed. */
    static List<PortCounters> parse(String reply) {
        List<PortCounters> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(reply);
        while (m.find()) {
            String b = m.group(2);
            out.add(new PortCounters(Integer.parseInt(m.group(1)), field(b, "RX-packets"), field(b, "RX-bytes"),
                    field(b, "RX-missed"), field(b, "RX-errors"), field(b, "TX-packets"), field(b, "TX-bytes"),
                    field(b, "TX-errors")));
        }
        return out;
    }

    private static long field(String block, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + ":\\s*(\\d+)").matcher(block);
        if (!m.find()) {
            throw new SwitchException("testpmd's port statistics have no " + name + ": " + block.strip());
        }
        return Long.parseLong(m.group(1));
    }
}
