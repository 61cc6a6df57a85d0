package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.exceptions.QmpProtocolException;
import java.util.ArrayList;
import java.util.List;

/**
 * The first message of a QMP session: {@code {"QMP": {"version": ..., "capabilities": ["oob"]}}}.
 *
 * @param version the QEMU version
 * @param capabilities what the server offers, e.g. {@code oob}
 */
public record QmpGreeting(QmpVersion version, List<String> capabilities) {

    public QmpGreeting {
        capabilities = List.copyOf(capabilities);
    }

    /** Reads the value of the {@code QMP} member. */
    public static QmpGreeting from(JsonNode qmp) {
        if (qmp == null || !qmp.isObject()) {
            throw new QmpProtocolException("malformed QMP greeting: " + qmp);
        }
        List<String> caps = new ArrayList<>();
        qmp.path("capabilities").forEach(c -> caps.add(c.asText()));
        return new QmpGreeting(QmpVersion.from(qmp.get("version")), caps);
    }

    /** True if the server offers {@code capability}. */
    public boolean offers(String capability) {
        return capabilities.contains(capability);
    }
}
