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
     */
    static Mono<QmpClient> connect(PeerAddress address, QmpConnectOptions options) {
        return ReactorNettyQmpClient.connect(address, options);
    }

    /** {@link #connect(PeerAddress, QmpConnectOptions)} with {@link QmpConnectOptions#defaults()}. */
    static Mono<QmpClient> connect(PeerAddress address) {
        return connect(address, QmpConnectOptions.defaults());
    }

    /** The socket this client talks to. */
    PeerAddress address();

    /** The greeting QEMU sent. */
    QmpGreeting greeting();

    /** QEMU's version, from the greeting. */
    default QmpVersion version() {
        return greeting().version();
    }

    /** True if out-of-band execution was asked for, offered and enabled. */
    boolean oobEnabled();

    /** Runs a command without arguments; emits its raw {@code return} value. */
    default Mono<JsonNode> execute(String command) {
        return execute(command, null);
    }

    /** Runs a command; {@code arguments} (an object) may be null. Emits the raw {@code return} value. */
    Mono<JsonNode> execute(String command, JsonNode arguments);

    /** Runs a command with its own reply timeout. */
    Mono<JsonNode> execute(String command, JsonNode arguments, Duration timeout);

    /**
     * Runs a typed command; emits its decoded result, or completes empty for {@code Void}
     * commands. {@code execute(QmpCommands.quit())} completes when QEMU answers or closes.
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
     * <p>Completes when the session ends normally ({@code quit}, {@link #close()}); errors with
     * {@code QmpConnectionClosedException} or {@code QmpProtocolException} when it ends otherwise.
     */
    Flux<QmpEvent> events();

    /**
     * Subscribes to {@link #events()} first, then to {@code trigger} (e.g. the command that
     * causes the event), and emits the first event that matches, once the trigger has
     * completed too. So an event can never be missed by arriving before the wait begins.
     * Fails if the trigger fails or the session ends first. Add a {@code timeout} as needed.
     */
    Mono<QmpEvent> awaitEvent(Predicate<? super QmpEvent> match, Publisher<?> trigger);

    /** {@link #awaitEvent(Predicate, Publisher)} for an event name. */
    default Mono<QmpEvent> awaitEvent(String eventName, Publisher<?> trigger) {
        return awaitEvent(e -> e.is(eventName), trigger);
    }

    /** True until the connection closed. */
    boolean isOpen();

    /**
     * Completes when the connection has closed normally (after {@code quit} or {@link #close()});
     * errors with the reason when it closed otherwise (QEMU died, protocol error).
     */
    Mono<Void> onClose();

    /**
     * Closes the connection; pending commands fail with {@code QmpConnectionClosedException}.
     * Idempotent; completes when the socket is closed.
     */
    Mono<Void> close();
}
