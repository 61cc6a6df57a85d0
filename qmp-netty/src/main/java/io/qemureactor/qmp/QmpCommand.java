package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A command of the QMP wire protocol, which QEMU's monitor and its guest agent both speak
 * ({@code {"execute": NAME, "arguments": {...}}}): its name, its arguments, the decoder of its
 * {@code return} value and what reply to expect ({@link Reply}). {@link QmpCommands} has the
 * monitor's common commands, {@link io.qemureactor.qga.QgaCommands} the agent's; both
 * {@link QmpClient#execute(QmpCommand)} and {@link io.qemureactor.qga.QgaClient#execute(QmpCommand)}
 * run one.
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return copies, so one instance can
 * be shared and run any number of times.
 *
 * <pre>{@code
 * QmpCommand<StatusInfo> status = QmpCommands.queryStatus();
 * client.execute(status.withTimeout(Duration.ofSeconds(2))).map(StatusInfo::running);
 * }</pre>
 *
 * @param <T> the decoded result; {@code Void} for commands whose result is ignored
 */
public final class QmpCommand<T> {

    /** What the peer sends back for a command, which decides when the command is done. */
    public enum Reply {
        /** A reply always comes (every QMP command, most agent commands): done at the reply. */
        ALWAYS,
        /**
         * A reply comes, or the peer closes the connection first ({@code quit}): an EOF before the
         * reply completes the command normally, and the client expects the end of the session.
         */
        OR_CLOSE,
        /**
         * A reply comes only on failure ({@code guest-shutdown}, {@code guest-suspend-*}): done as
         * soon as the request is written; an error reply that comes later is discarded.
         */
        ONLY_ON_ERROR
    }

    private final String name;
    private final JsonNode arguments;
    private final Function<JsonNode, T> decoder;
    private final Duration timeout;
    private final Reply reply;

    private QmpCommand(String name, JsonNode arguments, Function<JsonNode, T> decoder, Duration timeout, Reply reply) {
        this.name = Objects.requireNonNull(name, "name");
        this.arguments = arguments;
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.timeout = timeout;
        this.reply = Objects.requireNonNull(reply, "reply");
    }

    /**
     * A command without arguments whose raw {@code return} value is the result.
     *
     * @param name the command name, e.g. {@code query-status}
     * @return the command, expecting a reply
     */
    public static QmpCommand<JsonNode> of(String name) {
        return of(name, null, Function.identity());
    }

    /**
     * A command whose raw {@code return} value is the result.
     *
     * @param name the command name
     * @param arguments the {@code arguments} object, or null for none
     * @return the command, expecting a reply
     */
    public static QmpCommand<JsonNode> of(String name, JsonNode arguments) {
        return of(name, arguments, Function.identity());
    }

    /**
     * A command with a decoder for its {@code return} value. A decoder that returns null makes
     * the typed {@code execute} complete empty; one that throws fails it with that exception.
     *
     * @param name the command name
     * @param arguments the {@code arguments} object, or null for none
     * @param decoder turns the {@code return} value into the result; runs on the I/O thread
     * @param <T> the result type
     * @return the command, expecting a reply
     */
    public static <T> QmpCommand<T> of(String name, JsonNode arguments, Function<JsonNode, T> decoder) {
        return new QmpCommand<>(name, arguments, decoder, null, Reply.ALWAYS);
    }

    /**
     * A command whose result is ignored ({@code {}} for most actions): its {@code execute}
     * completes empty once the reply came.
     *
     * @param name the command name
     * @param arguments the {@code arguments} object, or null for none
     * @return the command, expecting a reply
     */
    public static QmpCommand<Void> action(String name, JsonNode arguments) {
        return of(name, arguments, r -> null);
    }

    /**
     * A command the peer does not answer on success ({@link Reply#ONLY_ON_ERROR}, e.g. the
     * agent's {@code guest-shutdown}): its {@code execute} completes when the request is written.
     *
     * @param name the command name
     * @param arguments the {@code arguments} object, or null for none
     * @return the command
     */
    public static QmpCommand<Void> withoutReply(String name, JsonNode arguments) {
        return new QmpCommand<>(name, arguments, r -> null, null, Reply.ONLY_ON_ERROR);
    }

    /**
     * A copy with its own reply timeout instead of the client's default.
     *
     * @param timeout how long to wait for the reply once the command is sent
     * @return the copy
     */
    public QmpCommand<T> withTimeout(Duration timeout) {
        return new QmpCommand<>(name, arguments, decoder, Objects.requireNonNull(timeout, "timeout"), reply);
    }

    /**
     * A copy with other arguments.
     *
     * @param arguments the {@code arguments} object, or null for none
     * @return the copy
     */
    public QmpCommand<T> withArguments(JsonNode arguments) {
        return new QmpCommand<>(name, arguments, decoder, timeout, reply);
    }

    /**
     * A copy that expects another kind of reply.
     *
     * @param expected what the peer sends back
     * @return the copy
     */
    public QmpCommand<T> withReply(Reply expected) {
        return new QmpCommand<>(name, arguments, decoder, timeout, Objects.requireNonNull(expected, "expected"));
    }

    /**
     * A copy marked as ending the session, like {@code quit} ({@link Reply#OR_CLOSE}): the EOF
     * that follows is expected, and if it comes before the reply the command still succeeds.
     *
     * @return the copy
     */
    public QmpCommand<T> closingConnection() {
        return withReply(Reply.OR_CLOSE);
    }

    /**
     * A copy whose result is further transformed; a null result stays null (empty).
     *
     * @param mapper applied to the decoded result, on the I/O thread
     * @param <R> the new result type
     * @return the copy
     */
    public <R> QmpCommand<R> map(Function<? super T, ? extends R> mapper) {
        Function<JsonNode, R> next = r -> {
            T value = decoder.apply(r);
            return value == null ? null : mapper.apply(value);
        };
        return new QmpCommand<>(name, arguments, next, timeout, reply);
    }

    /**
     * The command name.
     *
     * @return e.g. {@code query-status} or {@code guest-ping}
     */
    public String name() {
        return name;
    }

    /**
     * The arguments.
     *
     * @return the {@code arguments} object, or null when the command has none
     */
    public JsonNode arguments() {
        return arguments;
    }

    /**
     * This command's own reply timeout.
     *
     * @return the timeout, or empty to use the client's {@link QmpConnectOptions#commandTimeout()}
     */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    /**
     * What reply to expect.
     *
     * @return {@link Reply#ALWAYS} unless set otherwise
     */
    public Reply reply() {
        return reply;
    }

    /**
     * Whether the peer closes the connection after this command.
     *
     * @return true for {@link Reply#OR_CLOSE}
     */
    public boolean closesConnection() {
        return reply == Reply.OR_CLOSE;
    }

    /**
     * Whether the peer answers when the command succeeds.
     *
     * @return false for {@link Reply#ONLY_ON_ERROR}, whose command completes when written
     */
    public boolean repliesOnSuccess() {
        return reply != Reply.ONLY_ON_ERROR;
    }

    /**
     * Decodes a {@code return} value.
     *
     * @param returnValue the reply's {@code return} member
     * @return the result; null completes the typed {@code execute} empty
     */
    public T decode(JsonNode returnValue) {
        return decoder.apply(returnValue);
    }

    /** {@return the name, followed by the arguments when there are any} */
    @Override
    public String toString() {
        return arguments == null ? name : name + " " + arguments;
    }
}
