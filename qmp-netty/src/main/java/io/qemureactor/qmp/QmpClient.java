package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.transport.PeerAddress;
import java.time.Duration;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One QMP session with one QEMU monitor socket.
 *
 * <p>A monitor serves one client at a time: hold one {@code QmpClient} per VM and share it;
 * it is thread-safe and pipelines commands (replies are matched by id, so events between a
 * command and its reply never shift later replies).
 *
 * <p>Every {@code Mono} here is lazy: nothing is sent until subscription, and cancelling a
 * command forgets it (a late reply is dropped and logged). Reply signals are delivered on
 * the connection's I/O thread: do not block in them, use {@code publishOn} for blocking work.
 *
 * <p>Errors are {@link io.qemureactor.exceptions.QmpException}s:
 * {@code QmpCommandException} (QEMU answered with an error), {@code QmpConnectionClosedException}
 * (the socket closed or QEMU died: every pending command fails at once, naming the socket),
 * {@code QmpProtocolException} (malformed or oversized message: the connection is closed),
 * {@code QmpTimeoutException}.
 */
public interface QmpClient {

    /**
     * Connects, reads the greeting (skipping anything before the object with the {@code QMP}
     * key) and negotiates capabilities. While the socket does not exist yet or refuses, retries
     * with backoff, bounded by the connect timeout and the liveness check of {@code options}.
     * Lazy: nothing happens until subscription; cancelling closes a half-open connection.
     *
     * @param address the monitor's socket
     * @param options connect policy, timeouts, resources; see {@link QmpConnectOptions}
     * @return the ready client; fails with {@code QmpTimeoutException} when the connect timeout
     *     runs out (its cause is the last connect error), {@code QmpConnectException} when the
     *     liveness check says QEMU is dead, or {@code QmpCommandException} if QEMU refuses
     *     {@code qmp_capabilities}
     */
    static Mono<QmpClient> connect(PeerAddress address, QmpConnectOptions options) {
        return ReactorNettyQmpClient.connect(address, options);
    }

    /**
     * {@link #connect(PeerAddress, QmpConnectOptions)} with {@link QmpConnectOptions#defaults()}.
     *
     * @param address the monitor's socket
     * @return the ready client
     */
    static Mono<QmpClient> connect(PeerAddress address) {
        return connect(address, QmpConnectOptions.defaults());
    }

    /**
     * The socket this client talks to, as named in its errors and logs.
     *
     * @return the address given to {@code connect}
     */
    PeerAddress address();

    /**
     * The greeting QEMU sent.
     *
     * @return the greeting (always there once {@code connect} emitted the client)
     * @throws IllegalStateException on a client that has not received it (only possible in tests)
     */
    QmpGreeting greeting();

    /**
     * QEMU's version, from the greeting (no round trip).
     *
     * @return the version
     */
    default QmpVersion version() {
        return greeting().version();
    }

    /**
     * Whether commands may run out of band.
     *
     * @return true if out-of-band execution was asked for ({@link QmpConnectOptions#withOob}),
     *     offered by the greeting and enabled
     */
    boolean oobEnabled();

    /**
     * Runs a command without arguments.
     *
     * @param command the command name, e.g. {@code query-status}
     * @return its raw {@code return} value; fails with {@code QmpCommandException} when QEMU
     *     answers with an error
     */
    default Mono<JsonNode> execute(String command) {
        return execute(command, null);
    }

    /**
     * Runs a command with the options' default reply timeout.
     *
     * @param command the command name
     * @param arguments the {@code arguments} object, or null for none
     * @return its raw {@code return} value; fails with {@code QmpCommandException} when QEMU
     *     answers with an error, {@code QmpTimeoutException} when no reply came in time (the
     *     session stays usable), {@code QmpConnectionClosedException} when the connection closed
     */
    Mono<JsonNode> execute(String command, JsonNode arguments);

    /**
     * Runs a command with its own reply timeout.
     *
     * @param command the command name
     * @param arguments the {@code arguments} object, or null for none
     * @param timeout how long to wait for the reply once the command is sent
     * @return its raw {@code return} value; errors as {@link #execute(String, JsonNode)}
     */
    Mono<JsonNode> execute(String command, JsonNode arguments, Duration timeout);

    /**
     * Runs a typed command. {@code execute(QmpCommands.quit())} completes when QEMU answers or
     * closes the connection (its {@link QmpCommand.Reply#OR_CLOSE}); a command with
     * {@link QmpCommand.Reply#ONLY_ON_ERROR} completes when written.
     *
     * @param command the command, with its decoder and optional own timeout
     * @param <T> the decoded result type
     * @return the decoded result, or empty for {@code Void} commands; errors as
     *     {@link #execute(String, JsonNode)}, and whatever the decoder throws
     */
    <T> Mono<T> execute(QmpCommand<T> command);

    /**
     * Hot stream of events, for any number of subscribers; each gets the events emitted while
     * it is subscribed.
     *
     * <p>Overflow: each subscriber has its own buffer of {@code eventBufferSize} events,
     * delivered on the options' event scheduler, never on the I/O thread. A subscriber that
     * falls further behind loses its <em>oldest</em> buffered events (a warning is logged);
     * it never slows the connection, the replies, or the other subscribers.
     *
     * @return the events; completes when the session ends normally ({@code quit},
     *     {@link #close()}), errors with {@code QmpConnectionClosedException} or
     *     {@code QmpProtocolException} when it ends otherwise
     */
    Flux<QmpEvent> events();

    /**
     * Subscribes to {@link #events()} first, then to {@code trigger} (e.g. the command that
     * causes the event), and emits the first event that matches, once the trigger has
     * completed too. So an event can never be missed by arriving before the wait begins.
     * Add a {@code timeout} as needed: there is none of its own.
     *
     * @param match which event to wait for
     * @param trigger what causes it, e.g. {@code execute(QmpCommands.stop())}
     * @return the first matching event; fails if the trigger fails or the session ends first
     */
    Mono<QmpEvent> awaitEvent(Predicate<? super QmpEvent> match, Publisher<?> trigger);

    /**
     * {@link #awaitEvent(Predicate, Publisher)} for an event name.
     *
     * @param eventName e.g. {@code STOP}
     * @param trigger what causes it
     * @return the first event of that name
     */
    default Mono<QmpEvent> awaitEvent(String eventName, Publisher<?> trigger) {
        return awaitEvent(e -> e.is(eventName), trigger);
    }

    /**
     * Whether the connection is up.
     *
     * @return true until the connection closed, for whatever reason
     */
    boolean isOpen();

    /**
     * The end of the session.
     *
     * @return completes when the connection has closed normally (after {@code quit} or
     *     {@link #close()}); errors with the reason when it closed otherwise (QEMU died:
     *     {@code QmpConnectionClosedException} naming the socket; a protocol error:
     *     {@code QmpProtocolException})
     */
    Mono<Void> onClose();

    /**
     * Closes the connection; pending commands fail with {@code QmpConnectionClosedException}.
     * Idempotent.
     *
     * @return completes when the socket is closed
     */
    Mono<Void> close();
}
