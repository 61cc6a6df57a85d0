package io.qemureactor.core.datapath;

import java.util.List;

/**
 * What a chain run measured. {@code sent} is what left the generator's port (its TX counter),
 * {@code received} what the last switch port took in (its RX counter), {@code lost = sent - received}
 * (never hidden: a rate above what the chain forwards shows here), {@code notSent} what the generator's
 * port refused (a full ring), {@code pps} received packets over the time from the first burst to the last
 * packet counted.
 *
 * @param readyMillis from nothing to the chain ready (switches up, VMs booted, functions forwarding, links up)
 * @param wallMillis  the whole run, teardown included
 */
public record ChainReport(String function, long wallMillis, long readyMillis, long requested, long sent, long notSent,
        long received, long lost, double pps, long rate, List<Vm> vms, List<Port> ports) {

    /**
     * This report with another wall time (set once the teardown has ended).
     *
     * @param millis the whole run, in milliseconds
     * @return a copy
     */
    public ChainReport withWallMillis(long millis) {
        return new ChainReport(function, millis, readyMillis, requested, sent, notSent, received, lost, pps, rate, vms, ports);
    }

    /**
     * One VM: its packets in and out as the switch ports it is attached to counted them.
     *
     * @param rxPackets what its first NIC was sent
     * @param txPackets what its second NIC sent on
     */
    public record Vm(String name, long pid, String accelerator, long bootMillis, long rxPackets, long txPackets) {
    }

    /** One switch port, what it is attached to and its counters over the run. */
    public record Port(String switchName, int port, String attachedTo, long rxPackets, long txPackets, long rxMissed,
            long txErrors) {
    }
}
