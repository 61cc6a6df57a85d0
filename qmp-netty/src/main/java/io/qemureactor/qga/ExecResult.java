package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The outcome of a program run in the guest by {@code guest-exec}.
 *
 * @param exitCode the exit code, or -1 if the program was killed by a signal
 * @param signal the signal that killed it, or 0
 * @param stdout standard output, decoded as UTF-8
 * @param stderr standard error, decoded as UTF-8
 * @param truncated true if the agent cut the captured output (it keeps 16 MiB at most)
 */
public record ExecResult(int exitCode, int signal, String stdout, String stderr, boolean truncated) {

    /**
     * Whether the program succeeded.
     *
     * @return true for exit code 0 without a signal
     */
    public boolean succeeded() {
        return exitCode == 0 && signal == 0;
    }

    /** Reads a {@code guest-exec-status} reply: empty while the program still runs. */
    static Optional<ExecResult> fromStatus(JsonNode status) {
        if (!status.path("exited").asBoolean(false)) {
            return Optional.empty();
        }
        return Optional.of(new ExecResult(status.path("exitcode").asInt(-1), status.path("signal").asInt(0),
                decode(status.get("out-data")), decode(status.get("err-data")),
                status.path("out-truncated").asBoolean(false) || status.path("err-truncated").asBoolean(false)));
    }

    private static String decode(JsonNode base64) {
        if (base64 == null || base64.isNull()) {
            return "";
        }
        return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.UTF_8);
    }
}
