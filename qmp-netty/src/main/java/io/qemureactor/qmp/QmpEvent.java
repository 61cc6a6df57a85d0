package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.transport.internal.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * An asynchronous QMP event, e.g. {@code STOP}, {@code RESUME}, {@code SHUTDOWN}.
 *
 * @param name the event name
 * @param data the event's {@code data} member, an empty object if it had none; treat as read-only
 * @param timestamp when QEMU emitted it (its clock, microsecond resolution)
 */
public record QmpEvent(String name, ObjectNode data, Instant timestamp) {

    /**
     * Checks the components; a null {@code data} becomes an empty object.
     *
     * @param name the event name
     * @param data the event's data, or null
     * @param timestamp when QEMU emitted it
     */
    public QmpEvent {
        Objects.requireNonNull(name, "name");
        data = data == null ? Json.object() : data;
        Objects.requireNonNull(timestamp, "timestamp");
    }

    /**
     * Reads an event message as QEMU sends it.
     *
     * @param message {@code {"event": NAME, "data": {...}, "timestamp": {"seconds": S, "microseconds": U}}}
     * @return the event (missing members read as empty name, empty data, the epoch)
     */
    public static QmpEvent from(JsonNode message) {
        JsonNode ts = message.path("timestamp");
        Instant at = Instant.ofEpochSecond(ts.path("seconds").asLong(), ts.path("microseconds").asLong() * 1000L);
        JsonNode data = message.get("data");
        return new QmpEvent(message.path("event").asText(), data instanceof ObjectNode o ? o : null, at);
    }

    /**
     * Matches the event's name, e.g. in {@code events().filter(e -> e.is("SHUTDOWN"))}.
     *
     * @param eventName an event name such as {@code STOP}
     * @return true if this event is called {@code eventName}
     */
    public boolean is(String eventName) {
        return name.equals(eventName);
    }
}
