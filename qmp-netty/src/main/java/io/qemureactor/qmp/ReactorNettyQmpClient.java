package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpException;
import io.qemureactor.exceptions.QmpExceptions;
import io.qemureactor.transport.Connector;
import io.qemureactor.transport.Json;
import io.qemureactor.transport.JsonFraming;
import io.qemureactor.transport.JsonSession;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link QmpClient} on one Netty channel (r2dbc-postgresql's ReactorNettyClient shape).
 *
 * <p>Threading: inbound messages, close and errors arrive on the channel's event loop.
 * Commands may be issued from any thread; {@link #send} allocates the id, registers the
 * pending entry and hands the frame to Netty under one lock, so a reply can never arrive
 * before its registration, and no command can slip in after the close drained the pending
 * map.
 */
final class ReactorNettyQmpClient implements QmpClient, JsonSession {

    private static final Logger log = LoggerFactory.getLogger(ReactorNettyQmpClient.class);

    private final Channel channel;
    private final PeerAddress address;
    private final QmpConnectOptions options;
    private final QmpResources resources;

    private final Object writeLock = new Object();
    private final Map<Long, PendingCommand> pending = new ConcurrentHashMap<>();
    /**
     * Ids on the wire: the smallest one not awaiting a reply. QEMU 7.2 reads the monitor one
     * byte per main-loop iteration (several microseconds each), so request length is what a
     * round trip costs; an ever-growing counter would make every command a few bytes longer
     * than needed. An id stays taken until its reply arrives, also after a timeout or cancel,
     * so a late reply can never be taken for a newer command's. Guarded by writeLock.
     */
    private final BitSet idsInUse = new BitSet();
    private boolean accepting = true; // guarded by writeLock

    private final Sinks.One<QmpGreeting> greetingSink = Sinks.one();
    private final Sinks.Many<QmpEvent> eventSink = Sinks.many().multicast().directBestEffort();
    private final Sinks.Empty<Void> closeSink = Sinks.empty();

    private volatile QmpGreeting greeting;
    private volatile boolean oobEnabled;
    /** Set by quit and close(): the EOF that follows is the normal end of the session. */
    private volatile boolean eofExpected;
    /** The first fatal protocol error; reported instead of a plain "closed". */
    private volatile QmpException failure;
    /** The I/O error that took the connection down, if any (a cause for the closed error). */
    private volatile Throwable ioCause;

    private ReactorNettyQmpClient(Channel channel, PeerAddress address, QmpConnectOptions options) {
        this.channel = channel;
        this.address = address;
        this.options = options;
        this.resources = options.resources(); // once: the default is the shared instance, behind a global lock
    }

    /** Connects to {@code address}, then reads the greeting and negotiates. */
    static Mono<QmpClient> connect(PeerAddress address, QmpConnectOptions options) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        return Connector.<ReactorNettyQmpClient>connect(address, options.resources(), options.connectPolicy(),
                        channel -> attach(channel, address, options), ReactorNettyQmpClient::handshake)
                .cast(QmpClient.class);
    }

    /**
     * Installs the codec and this client's handler on a channel that is not reading yet
     * (the channel initializer, or an {@code EmbeddedChannel} in tests).
     */
    static ReactorNettyQmpClient attach(Channel channel, PeerAddress address, QmpConnectOptions options) {
        ReactorNettyQmpClient client = new ReactorNettyQmpClient(channel, address, options);
        JsonFraming.install(channel.pipeline(), options.maxMessageBytes(), "qmp-client", client);
        return client;
    }

    /** Waits for the greeting, then sends {@code qmp_capabilities}; closes the channel on failure. */
    Mono<ReactorNettyQmpClient> handshake() {
        return greetingSink.asMono()
                .flatMap(this::negotiate)
                .thenReturn(this)
                .doOnError(e -> channel.close())
                .doOnCancel(channel::close);
    }

    private Mono<Void> negotiate(QmpGreeting offered) {
        boolean oob = options.oob() && offered.offers("oob");
        ObjectNode arguments = null;
        if (oob) {
            arguments = Json.object();
            arguments.putArray("enable").add("oob");
        }
        return send("qmp_capabilities", arguments, options.commandTimeout(), false)
                .doOnNext(ok -> {
                    oobEnabled = oob;
                    log.debug("{}: QMP session ready, QEMU {}, capabilities {}", address, offered.version(),
                            offered.capabilities());
                })
                .then();
    }

    @Override
    public PeerAddress address() {
        return address;
    }

    @Override
    public QmpGreeting greeting() {
        QmpGreeting g = greeting;
        if (g == null) {
            throw new IllegalStateException("no greeting received yet from " + address);
        }
        return g;
    }

    @Override
    public boolean oobEnabled() {
        return oobEnabled;
    }

    @Override
    public Mono<JsonNode> execute(String command, JsonNode arguments) {
        return execute(command, arguments, options.commandTimeout());
    }

    @Override
    public Mono<JsonNode> execute(String command, JsonNode arguments, Duration timeout) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        return send(command, arguments, timeout, false);
    }

    @Override
    public <T> Mono<T> execute(QmpCommand<T> command) {
        Duration timeout = command.timeout().orElse(options.commandTimeout());
        return send(command.name(), command.arguments(), timeout, command.closesConnection())
                .flatMap(r -> Mono.justOrEmpty(command.decode(r)));
    }

    /**
     * The one write path. Nothing happens until subscription; cancel or timeout removes the
     * pending entry, so a late reply finds no owner and is dropped. The timeout is a deadline
     * on the resources' shared {@link io.qemureactor.transport.DeadlineTimer} (no timer task
     * per command).
     */
    private Mono<JsonNode> send(String command, JsonNode arguments, Duration timeout, boolean closesConnection) {
        return Mono.create(sink -> {
            PendingCommand entry;
            synchronized (writeLock) {
                if (!accepting) {
                    entry = null;
                } else {
                    long id = idsInUse.nextClearBit(1);
                    ByteBuf frame;
                    try {
                        frame = CommandFrames.command(channel.alloc(), command, arguments, id);
                    } catch (RuntimeException e) { // arguments Jackson cannot serialise
                        sink.error(e);
                        return;
                    }
                    idsInUse.set((int) id);
                    entry = new PendingCommand(id, command, closesConnection, sink);
                    pending.put(id, entry);
                    if (closesConnection) {
                        eofExpected = true;
                    }
                    channel.writeAndFlush(frame).addListener(f -> {
                        if (!f.isSuccess() && pending.remove(id, entry)) {
                            entry.fail(closedError("sending " + command, f.cause()));
                        }
                    });
                }
            }
            if (entry == null) {
                sink.error(endError("sending " + command));
                return;
            }
            Disposable deadline;
            try {
                deadline = resources.timer().schedule(timeout, () -> {
                    if (pending.remove(entry.id, entry)) {
                        entry.fail(QmpExceptions.timeout("reply to " + command + " from " + address, timeout));
                    }
                });
            } catch (RuntimeException e) { // the timer or its scheduler was disposed
                if (pending.remove(entry.id, entry)) {
                    entry.fail(e);
                }
                return;
            }
            // runs at once if the reply already came
            sink.onDispose(() -> {
                pending.remove(entry.id, entry);
                deadline.dispose();
            });
        });
    }

    @Override
    public Flux<QmpEvent> events() {
        // Per subscriber: a bounded buffer that drops the oldest event when full, then a hop to
        // the event scheduler. The I/O thread only ever offers into these buffers.
        return eventSink.asFlux()
                .onBackpressureBuffer(options.eventBufferSize(),
                        dropped -> log.warn("{}: slow event subscriber, dropped {}", address, dropped.name()),
                        BufferOverflowStrategy.DROP_OLDEST)
                .publishOn(options.eventScheduler(), 32);
    }

    @Override
    public Mono<QmpEvent> awaitEvent(Predicate<? super QmpEvent> match, Publisher<?> trigger) {
        Objects.requireNonNull(match, "match");
        Objects.requireNonNull(trigger, "trigger");
        return Mono.defer(() -> {
            Mono<QmpEvent> firstMatch = events().filter(match::test).next()
                    .switchIfEmpty(Mono.error(() -> closedError("waiting for an event", null)));
            // zip subscribes in argument order: the event subscription exists before the trigger runs
            return Mono.zip(firstMatch, Flux.from(trigger).then(Mono.just(Boolean.TRUE)), (event, done) -> event);
        });
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public Mono<Void> onClose() {
        return closeSink.asMono();
    }

    @Override
    public Mono<Void> close() {
        return Mono.defer(() -> {
            eofExpected = true;
            channel.close();
            return closeSink.asMono().onErrorResume(e -> Mono.empty());
        });
    }

    /** Commands waiting for a reply (for tests and diagnostics). */
    int pendingCount() {
        return pending.size();
    }

    // ---- inbound, on the event loop ----

    @Override
    public void onMessage(JsonNode message) {
        if (greeting == null) {
            onMessageBeforeGreeting(message);
        } else if (message.has("event")) {
            onEvent(QmpEvent.from(message));
        } else if (message.has("return") || message.has("error")) {
            onReply(message);
        } else {
            log.warn("{}: ignoring unrecognised message {}", address, message);
        }
    }

    private void onMessageBeforeGreeting(JsonNode message) {
        if (!message.has("QMP")) {
            log.debug("{}: skipping message before the greeting: {}", address, message);
            return;
        }
        QmpGreeting g = QmpGreeting.from(message.get("QMP"));
        greeting = g;
        greetingSink.tryEmitValue(g);
    }

    private void onEvent(QmpEvent event) {
        Sinks.EmitResult result = eventSink.tryEmitNext(event);
        if (result.isFailure() && result != Sinks.EmitResult.FAIL_ZERO_SUBSCRIBER) {
            log.debug("{}: event {} not delivered: {}", address, event.name(), result);
        }
    }

    private void onReply(JsonNode reply) {
        JsonNode id = reply.get("id");
        if (id == null || !id.canConvertToLong()) {
            // QEMU answers without id only when it could not parse a request.
            log.warn("{}: dropping reply without a usable id: {}", address, reply);
            return;
        }
        long replyId = id.asLong();
        PendingCommand entry = pending.remove(replyId);
        boolean wasInUse = releaseId(replyId);
        if (entry == null) {
            if (wasInUse) {
                log.warn("{}: dropping late reply with id {} (its command timed out or was cancelled)", address, id);
            } else {
                log.warn("{}: dropping reply with unknown id {}", address, id);
            }
            return;
        }
        JsonNode error = reply.get("error");
        if (error != null) {
            entry.fail(QmpExceptions.commandFailed(entry.command, error));
        } else {
            entry.complete(reply.get("return"));
        }
    }

    /** Frees an id once its reply arrived; false if it was not in use. */
    private boolean releaseId(long id) {
        if (id <= 0 || id > Integer.MAX_VALUE) {
            return false;
        }
        synchronized (writeLock) {
            boolean inUse = idsInUse.get((int) id);
            idsInUse.clear((int) id);
            return inUse;
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        QmpException protocolError = JsonFraming.protocolError(address.toString(), options.maxMessageBytes(), true, cause);
        if (protocolError != null) {
            if (failure == null) {
                failure = protocolError;
            }
            log.warn(protocolError.getMessage());
        } else if (cause instanceof IOException) {
            ioCause = cause; // the reason named in the "closed" errors that follow
            log.debug("{}: I/O error: {}", address, cause.toString());
        } else {
            ioCause = cause;
            log.warn("{}: unexpected error, closing", address, cause);
        }
        channel.close();
    }

    @Override
    public void onClosed() {
        List<PendingCommand> orphans;
        synchronized (writeLock) {
            accepting = false;
            orphans = new ArrayList<>(pending.values());
            pending.clear();
        }
        QmpException protocolError = failure;
        for (PendingCommand entry : orphans) {
            if (entry.closesConnection && protocolError == null) {
                entry.complete(Json.object()); // quit: the EOF is its answer
            } else {
                entry.fail(endError("waiting for the reply to " + entry.command));
            }
        }
        if (greeting == null) {
            greetingSink.tryEmitError(endError("waiting for the QMP greeting"));
        }
        if (protocolError != null) {
            eventSink.tryEmitError(protocolError);
            closeSink.tryEmitError(protocolError);
        } else if (eofExpected) {
            log.debug("{}: session closed", address);
            eventSink.tryEmitComplete();
            closeSink.tryEmitEmpty();
        } else {
            QmpConnectionClosedException closed = closedError(null, ioCause);
            log.debug("{}: connection closed unexpectedly", address);
            eventSink.tryEmitError(closed);
            closeSink.tryEmitError(closed);
        }
    }

    /** Why the session can take no more: its protocol error, else "closed while {@code what}". */
    private QmpException endError(String what) {
        QmpException protocolError = failure;
        return protocolError != null ? protocolError : closedError(what, ioCause);
    }

    private QmpConnectionClosedException closedError(String what, Throwable cause) {
        return QmpExceptions.closed(address.toString(), what, cause);
    }
}
