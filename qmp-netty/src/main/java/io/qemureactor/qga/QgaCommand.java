package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A guest-agent command with its arguments and the decoder of its {@code return} value.
 * Immutable; {@link QgaCommands} has the common ones.
 *
 * @param <T> the decoded result; {@code Void} when there is none
 */
public final class QgaCommand<T> {

    private final String name;
    private final JsonNode arguments;
    private final Function<JsonNode, T> decoder;
    private final boolean repliesOnSuccess;
    private final Duration timeout;

    private QgaCommand(String name, JsonNode arguments, Function<JsonNode, T> decoder, boolean repliesOnSuccess,
            Duration timeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.arguments = arguments;
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.repliesOnSuccess = repliesOnSuccess;
        this.timeout = timeout;
    }

    /** A command whose raw {@code return} value is the result; {@code arguments} may be null. */
    public static QgaCommand<JsonNode> of(String name, JsonNode arguments) {
        return of(name, arguments, Function.identity());
    }

    /** A command with a decoder (returning null makes the typed execute complete empty). */
    public static <T> QgaCommand<T> of(String name, JsonNode arguments, Function<JsonNode, T> decoder) {
        return new QgaCommand<>(name, arguments, decoder, true, null);
    }

    /**
     * A command the agent does not answer on success ({@code guest-shutdown},
     * {@code guest-suspend-*}): it completes as soon as it is written.
     */
    public static QgaCommand<Void> withoutReply(String name, JsonNode arguments) {
        return new QgaCommand<>(name, arguments, r -> null, false, null);
    }

    /** A copy with its own timeout instead of the client's default. */
    public QgaCommand<T> withTimeout(Duration timeout) {
        return new QgaCommand<>(name, arguments, decoder, repliesOnSuccess, Objects.requireNonNull(timeout));
    }

    public String name() {
        return name;
    }

    /** The arguments object, or null. */
    public JsonNode arguments() {
        return arguments;
    }

    /** False for commands that complete when written. */
    public boolean repliesOnSuccess() {
        return repliesOnSuccess;
    }

    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** Decodes a {@code return} value; may return null. */
    public T decode(JsonNode returnValue) {
        return decoder.apply(returnValue);
    }

    @Override
    public String toString() {
        return arguments == null ? name : name + " " + arguments;
    }
}
