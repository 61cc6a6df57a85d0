package io.qemureactor.core.vm;

/**
 * One vCPU of a VM and the host thread that runs it.
 *
 * @param index    the vCPU index (QMP {@code cpu-index})
 * @param threadId the host thread id (QMP {@code thread-id}), what {@code taskset} and {@code chrt} take
 */
public record VcpuThread(int index, long threadId) {
}
