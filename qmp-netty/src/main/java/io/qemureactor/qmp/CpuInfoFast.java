package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One vCPU from {@code query-cpus-fast}.
 *
 * @param cpuIndex the vCPU index
 * @param threadId the host thread id running this vCPU (what {@code taskset}/{@code chrt} want)
 * @param qomPath the vCPU's QOM path
 * @param target the target architecture, e.g. {@code x86_64}
 */
public record CpuInfoFast(int cpuIndex, long threadId, String qomPath, String target) {

    static CpuInfoFast from(JsonNode r) {
        return new CpuInfoFast(r.path("cpu-index").asInt(), r.path("thread-id").asLong(),
                r.path("qom-path").asText(""), r.path("target").asText(""));
    }
}
