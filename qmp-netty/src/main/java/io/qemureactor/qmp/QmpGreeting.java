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

    /**
     * Keeps an unmodifiable copy of the capabilities.
     *
     * @param version the QEMU version
     * @param capabilities what the server offers
     */
    public QmpGreeting {
        capabilities = List.copyOf(capabilities);
    }

    /**
     * Reads the greeting.
     *
     * @param qmp the value of the greeting's {@code QMP} member
     * @return the greeting
     * @throws QmpProtocolException if it is not an object or has no version
     */
    public static QmpGreeting from(JsonNode qmp) {
        if (qmp == null || !qmp.isObject()) {
            throw new QmpProtocolException("malformed QMP greeting: " + qmp);
        }
        List<String> caps = new ArrayList<>();
        qmp.path("capabilities").forEach(c -> caps.add(c.asText()));
        return new QmpGreeting(QmpVersion.from(qmp.get("version")), caps);
    }

    /**
     * Whether the server offers a capability, which {@code qmp_capabilities} may then enable.
     *
     * @param capability e.g. {@code oob}
     * @return true if the greeting lists it
     */
    public boolean offers(String capability) {
        return capabilities.contains(capability);
    }
}
