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

    /** {@link #maxVms()} that means no limit. */
    public static final int UNLIMITED_VMS = Integer.MAX_VALUE;

    /**
     * Validates the components and copies the hugepage budget.
     *
     * @param cpus the CPU ids VMs may be pinned to (empty: pinning is refused on this host)
     * @param hugepageBudgetMib per page size, how many MiB of hugepages VMs may take; a size that is absent
     *        is not tracked (a page size with budget 0 is refused)
     * @param maxVms how many VMs the host takes at most ({@link Integer#MAX_VALUE}: no limit)
     * @param sshPorts the ports ssh forwards may use; empty: any port (each still used once)
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code maxVms} or a hugepage budget is negative
     */
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

    /**
     * No CPUs for pinning and no limits.
     *
     * @return the capacity
     */
    public static HostCapacity unlimited() {
        return new HostCapacity(CpuSet.empty(), Map.of(), UNLIMITED_VMS, Optional.empty());
    }

    /**
     * This machine as the JVM sees it: CPUs {@code 0..n-1} for pinning
     * ({@link Runtime#availableProcessors()}), no other limits.
     *
     * @return the capacity
     */
    public static HostCapacity localDefault() {
        return unlimited().withCpus(CpuSet.firstN(Runtime.getRuntime().availableProcessors()));
    }

    /**
     * A copy offering {@code set} for pinning.
     *
     * @param set the CPU ids VMs may be pinned to
     * @return the copy
     */
    public HostCapacity withCpus(CpuSet set) {
        return new HostCapacity(set, hugepageBudgetMib, maxVms, sshPorts);
    }

    /**
     * A copy with a hugepage budget for one page size (the others are kept).
     *
     * @param size the page size
     * @param mib how many MiB of those pages VMs may take; 0 refuses that size
     * @return the copy
     * @throws IllegalArgumentException if {@code mib} is negative
     */
    public HostCapacity withHugepageBudget(HugepageSize size, long mib) {
        Map<HugepageSize, Long> m = new EnumMap<>(HugepageSize.class);
        m.putAll(hugepageBudgetMib);
        m.put(size, mib);
        return new HostCapacity(cpus, m, maxVms, sshPorts);
    }

    /**
     * A copy with another VM limit.
     *
     * @param max how many VMs at most; {@link #UNLIMITED_VMS} for no limit
     * @return the copy
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public HostCapacity withMaxVms(int max) {
        return new HostCapacity(cpus, hugepageBudgetMib, max, sshPorts);
    }

    /**
     * A copy whose ssh forwards use ports of {@code range}.
     *
     * @param range the ports for ssh forwards
     * @return the copy
     */
    public HostCapacity withSshPorts(PortRange range) {
        return new HostCapacity(cpus, hugepageBudgetMib, maxVms, Optional.of(range));
    }

    /**
     * The budget for {@code size}, empty when the host does not track it.
     *
     * @param size the page size
     * @return the budget in MiB, or empty if that size is not tracked
     */
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
