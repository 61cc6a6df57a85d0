package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A QMP command with its arguments and the decoder of its {@code return} value. Immutable;
 * the {@code with...} methods return copies. {@link QmpCommands} has the common ones.
 *
 * <pre>{@code
 * QmpCommand<StatusInfo> status = QmpCommands.queryStatus();
 * client.execute(status.withTimeout(Duration.ofSeconds(2))).map(StatusInfo::running);
 * }</pre>
 *
 * @param <T> the decoded result; {@code Void} for commands whose result is {@code {}}
 */
public final class QmpCommand<T> {

    private final String name;
    private final JsonNode arguments;
    private final Function<JsonNode, T> decoder;
    private final Duration timeout;
    private final boolean closesConnection;

    private QmpCommand(String name, JsonNode arguments, Function<JsonNode, T> decoder, Duration timeout,
            boolean closesConnection) {
        this.name = Objects.requireNonNull(name, "name");
        this.arguments = arguments;
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.timeout = timeout;
        this.closesConnection = closesConnection;
    }

    /** A command without arguments whose raw {@code return} value is the result. */
    public static QmpCommand<JsonNode> of(String name) {
        return of(name, null, Function.identity());
    }

    /** A command whose raw {@code return} value is the result; {@code arguments} may be null. */
    public static QmpCommand<JsonNode> of(String name, JsonNode arguments) {
        return of(name, arguments, Function.identity());
    }

    /**
     * A command with a decoder for its {@code return} value; {@code arguments} may be null.
     * A decoder that returns null makes the typed {@code execute} complete empty.
     */
    public static <T> QmpCommand<T> of(String name, JsonNode arguments, Function<JsonNode, T> decoder) {
        return new QmpCommand<>(name, arguments, decoder, null, false);
    }

    /** A command whose result is ignored ({@code {}} for most actions). */
    public static QmpCommand<Void> action(String name, JsonNode arguments) {
        return of(name, arguments, r -> null);
    }

    /** A copy with its own reply timeout instead of the client's default. */
    public QmpCommand<T> withTimeout(Duration timeout) {
        return new QmpCommand<>(name, arguments, decoder, Objects.requireNonNull(timeout, "timeout"),
                closesConnection);
    }

    /** A copy with other arguments. */
    public QmpCommand<T> withArguments(JsonNode arguments) {
        return new QmpCommand<>(name, arguments, decoder, timeout, closesConnection);
    }

    /**
     * A copy marked as ending the session (like {@code quit}): the EOF that follows is
     * expected, and if it comes before the reply the command still succeeds.
     */
    public QmpCommand<T> closingConnection() {
        return new QmpCommand<>(name, arguments, decoder, timeout, true);
    }

    /** A copy whose result is further transformed. */
    public <R> QmpCommand<R> map(Function<? super T, ? extends R> mapper) {
        Function<JsonNode, R> next = r -> {
            T value = decoder.apply(r);
            return value == null ? null : mapper.apply(value);
        };
        return new QmpCommand<>(name, arguments, next, timeout, closesConnection);
    }

    /** The QMP command name, e.g. {@code query-status}. */
    public String name() {
        return name;
    }

    /** The {@code arguments} object, or null. */
    public JsonNode arguments() {
        return arguments;
    }

    /** This command's own timeout, if it has one. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /** True for commands after which the peer closes the connection. */
    public boolean closesConnection() {
        return closesConnection;
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
