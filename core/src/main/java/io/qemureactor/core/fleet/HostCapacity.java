package io.qemureactor.core.fleet;

import io.qemureactor.core.spec.HugepageSize;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one host offers a fleet. A limit that is not declared is not enforced — except CPUs for
 * pinning: a member can only be pinned to CPU ids the host declares, because the ledger must
 * know which ids exist to keep the sets disjoint.
 *
 * @param cpus              the CPU ids VMs may be pinned to (empty: pinning is refused on this host)
 * @param hugepageBudgetMib per page size, how many MiB of hugepages VMs may take; a size that is
 *                          absent is not tracked (a page size with budget 0 is refused)
 * @param maxVms            how many VMs the host takes at most ({@link Integer#MAX_VALUE}: no limit)
 * @param sshPorts          the ports ssh forwards may use; empty: any port (each still used once)
 */
public record HostCapacity(CpuSet cpus, Map<HugepageSize, Long> hugepageBudgetMib, int maxVms,
                           Optional<PortRange> sshPorts) {

    public static final int UNLIMITED_VMS = Integer.MAX_VALUE;

    public HostCapacity {
        Objects.requireNonNull(cpus, "cpus");
        Objects.requireNonNull(hugepageBudgetMib, "hugepageBudgetMib");
        Objects.requireNonNull(sshPorts, "sshPorts");
        if (maxVms < 0) {
            throw new IllegalArgumentException("maxVms " + maxVms + " is negative");
        }
        hugepageBudgetMib.forEach((size, mib) -> {
            if (mib == null || mib < 0) {
                throw new IllegalArgumentException("hugepage budget for " + size + " pages is " + mib + " MiB");
            }
        });
        Map<HugepageSize, Long> copy = new EnumMap<>(HugepageSize.class);
        copy.putAll(hugepageBudgetMib);
        hugepageBudgetMib = Map.copyOf(copy);
    }

    /** No CPUs for pinning and no limits. */
    public static HostCapacity unlimited() {
        return new HostCapacity(CpuSet.empty(), Map.of(), UNLIMITED_VMS, Optional.empty());
    }

    /**
     * This machine as the JVM sees it: CPUs {@code 0..n-1} for pinning
     * ({@link Runtime#availableProcessors()}), no other limits.
     */
    public static HostCapacity localDefault() {
        return unlimited().withCpus(CpuSet.firstN(Runtime.getRuntime().availableProcessors()));
    }

    public HostCapacity withCpus(CpuSet set) {
        return new HostCapacity(set, hugepageBudgetMib, maxVms, sshPorts);
    }

    public HostCapacity withHugepageBudget(HugepageSize size, long mib) {
        Map<HugepageSize, Long> m = new EnumMap<>(HugepageSize.class);
        m.putAll(hugepageBudgetMib);
        m.put(size, mib);
        return new HostCapacity(cpus, m, maxVms, sshPorts);
    }

    public HostCapacity withMaxVms(int max) {
        return new HostCapacity(cpus, hugepageBudgetMib, max, sshPorts);
    }

    public HostCapacity withSshPorts(PortRange range) {
        return new HostCapacity(cpus, hugepageBudgetMib, maxVms, Optional.of(range));
    }

    /** The budget for {@code size}, empty when the host does not track it. */
    public Optional<Long> hugepageBudget(HugepageSize size) {
        return Optional.ofNullable(hugepageBudgetMib.get(size));
    }

    @Override
    public String toString() {
        return "cpus " + cpus + ", hugepages " + (hugepageBudgetMib.isEmpty() ? "untracked" : hugepageBudgetMib + " MiB")
                + ", max VMs " + (maxVms == UNLIMITED_VMS ? "unlimited" : maxVms)
                + ", ssh ports " + sshPorts.map(PortRange::toString).orElse("any");
    }
}
