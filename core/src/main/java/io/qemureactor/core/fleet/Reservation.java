package io.qemureactor.core.fleet;

import io.qemureactor.core.spec.HugepageSize;
import io.qemureactor.core.spec.MacAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link ResourceLedger} set aside for one VM on one host; given back with
 * {@link ResourceLedger#release(Reservation)} when the VM stops or fails to boot.
 *
 * @param host          the host's name in the fleet
 * @param vmName        the VM's name, which also names its run folder on the host
 * @param vmId          the VM id (one MAC octet)
 * @param cpus          the CPUs its vCPUs get pinned to; empty when it is not pinned
 * @param hugepageSize  the page size of its hugepage-backed memory, when it has such memory
 * @param hugepageMib   how many MiB of those pages it takes (0 without)
 * @param macs          the MACs of its NICs
 * @param sshPort       the host port forwarded to its sshd, when it has one
 * @param vhostSockets  the vhost-user sockets its NICs connect to: switch ports, which serve one VM each
 */
public record Reservation(String host, String vmName, int vmId, CpuSet cpus, Optional<HugepageSize> hugepageSize,
                          long hugepageMib, List<MacAddress> macs, OptionalInt sshPort, List<Path> vhostSockets) {

    /**
     * Validates the components and copies the lists.
     *
     * @param host the host's name in the fleet
     * @param vmName the VM's name, which also names its run folder on the host
     * @param vmId the VM id (one MAC octet)
     * @param cpus the CPUs its vCPUs get pinned to; empty when it is not pinned
     * @param hugepageSize the page size of its hugepage-backed memory, when it has such memory
     * @param hugepageMib how many MiB of those pages it takes (0 without)
     * @param macs the MACs of its NICs
     * @param sshPort the host port forwarded to its sshd, when it has one
     * @param vhostSockets the vhost-user sockets its NICs connect to: switch ports, which serve one VM each
     * @throws NullPointerException if a component is null
     */
    public Reservation {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(vmName, "vmName");
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(hugepageSize, "hugepageSize");
        Objects.requireNonNull(sshPort, "sshPort");
        macs = List.copyOf(macs);
        vhostSockets = List.copyOf(vhostSockets);
    }

    /**
     * A reservation without vhost-user sockets.
     *
     * @param host the host's name in the fleet
     * @param vmName the VM's name
     * @param vmId the VM id (one MAC octet)
     * @param cpus the CPUs its vCPUs get pinned to; empty when not pinned
     * @param hugepageSize the page size of its hugepage-backed memory, if any
     * @param hugepageMib how many MiB of those pages it takes (0 without)
     * @param macs the MACs of its NICs
     * @param sshPort the host port forwarded to its sshd, if any
     */
    public Reservation(String host, String vmName, int vmId, CpuSet cpus, Optional<HugepageSize> hugepageSize,
                       long hugepageMib, List<MacAddress> macs, OptionalInt sshPort) {
        this(host, vmName, vmId, cpus, hugepageSize, hugepageMib, macs, sshPort, List.of());
    }
}
