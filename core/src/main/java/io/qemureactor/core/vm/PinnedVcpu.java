package io.qemureactor.core.vm;

import java.util.List;

/**
 * A vCPU after {@link RunningVm#pin}: its thread, the host CPU it was pinned to, and the affinity
 * read back from {@code /proc/PID/task/TID/status} ({@code Cpus_allowed_list}), which the pin
 * checked to be exactly that CPU.
 *
 * @param thread      the vCPU and its host thread
 * @param hostCpu     the host CPU it was pinned to
 * @param allowedCpus the CPUs the thread may run on, as the kernel reports them after pinning
 */
public record PinnedVcpu(VcpuThread thread, int hostCpu, List<Integer> allowedCpus) {

    /**
     * Copies the CPU list.
     *
     * @param thread the vCPU and its host thread
     * @param hostCpu the host CPU it was pinned to
     * @param allowedCpus the CPUs the thread may run on, as the kernel reports them after pinning
     */
    public PinnedVcpu {
        allowedCpus = List.copyOf(allowedCpus);
    }

    /**
     * The vCPU index (QMP {@code cpu-index}).
     *
     * @return the index, from 0
     */
    public int index() {
        return thread.index();
    }

    /**
     * The host thread id.
     *
     * @return the thread's TID on the host
     */
    public long threadId() {
        return thread.threadId();
    }
}
