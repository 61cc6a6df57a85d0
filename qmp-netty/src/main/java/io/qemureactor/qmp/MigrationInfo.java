package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Result of {@code query-migrate}, the part the engine reads.
 *
 * @param status    {@code none}, {@code setup}, {@code active}, {@code completed}, {@code failed}, ...;
 *                  {@code none} when no migration ever ran
 * @param errorDesc QEMU's reason when {@code status} is {@code failed}
 */
public record MigrationInfo(String status, Optional<String> errorDesc) {

    /**
     * Whether the migration is over.
     *
     * @return true once it ended, well or not ({@code completed}, {@code failed}, {@code cancelled})
     */
    public boolean finished() {
        return "completed".equals(status) || "failed".equals(status) || "cancelled".equals(status);
    }

    static MigrationInfo from(JsonNode r) {
        JsonNode error = r.path("error-desc");
        return new MigrationInfo(r.path("status").asText("none"),
                error.isTextual() ? Optional.of(error.asText()) : Optional.empty());
    }
}
