package io.qemureactor.core.datapath;

import java.util.List;

/**
 * What a chain run measured. {@code sent} is what left the generator's port (its TX counter),
 * {@code received} what the last switch port took in (its RX counter), {@code lost = sent - received}
 * (never hidden: a rate above what the chain forwards shows here), {@code notSent} what the generator's
 * port refused (a full ring), {@code pps} received packets over the time from the first burst to the last
 * packet counted.
 *
 * @param function    the chain function's label ({@code testpmd-io}, {@code testpmd-mac}, {@code bridge})
 * @param wallMillis  the whole run, teardown included
 * @param readyMillis from nothing to the chain ready (switches up, VMs booted, functions forwarding, links up)
 * @param requested   the packets asked for
 * @param sent        the packets that left the generator's port
 * @param notSent     {@code requested - sent}: what the generator's port refused
 * @param received    the packets the last switch port counted
 * @param lost        {@code sent - received}
 * @param pps         received packets per second, first burst to last packet counted
 * @param rate        the packets per second asked for
 * @param vms         each VM's counts, VM 1 first
 * @param ports       each port's counters over the run: the generator's, then the switch's in port order
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
     * @param name       the VM's name
     * @param pid        QEMU's pid on the host
     * @param accelerator the accelerator it ran under (KVM or TCG)
     * @param bootMillis its boot time, launch to ready, in milliseconds
     * @param rxPackets  what its first NIC was sent
     * @param txPackets  what its second NIC sent on
     */
    public record Vm(String name, long pid, String accelerator, long bootMillis, long rxPackets, long txPackets) {
    }

    /**
     * One switch port, what it is attached to and its counters over the run (differences of testpmd's counters).
     *
     * @param switchName {@code gen} (the generator) or {@code switch}
     * @param port       the port number on that switch, 0-based
     * @param attachedTo what is on the other side: a VM's NIC ({@code chain-vm2 nic0}) or {@code discard}
     * @param rxPackets  packets the port received
     * @param txPackets  packets the port sent
     * @param rxMissed   packets it could not take (ring full)
     * @param txErrors   packets it could not send
     */
    public record Port(String switchName, int port, String attachedTo, long rxPackets, long txPackets, long rxMissed,
            long txErrors) {
    }
}
