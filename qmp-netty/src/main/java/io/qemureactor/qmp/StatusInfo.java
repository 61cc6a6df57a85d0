package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Result of {@code query-status}.
 *
 * @param status the run state, e.g. {@code running}, {@code paused}, {@code prelaunch}, {@code shutdown}
 * @param running true if the vCPUs are running
 */
public record StatusInfo(String status, boolean running) {

    static StatusInfo from(JsonNode r) {
        return new StatusInfo(r.path("status").asText(), r.path("running").asBoolean());
    }
}
