package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Result of {@code query-kvm}.
 *
 * @param enabled KVM is in use by this VM
 * @param present KVM is available on the host
 */
public record KvmInfo(boolean enabled, boolean present) {

    static KvmInfo from(JsonNode r) {
        return new KvmInfo(r.path("enabled").asBoolean(), r.path("present").asBoolean());
    }
}
