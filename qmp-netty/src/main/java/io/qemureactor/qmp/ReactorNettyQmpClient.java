package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.qemureactor.exceptions.QmpException;
import io.qemureactor.exceptions.QmpExceptions;
import io.qemureactor.transport.internal.ChannelSession;
import io.qemureactor.transport.internal.Connector;
import io.qemureactor.transport.internal.Json;
import io.qemureactor.transport.internal.JsonFraming;
import io.qemureactor.transport.internal.JsonSession;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
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

    private final ChannelSession session;
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

    private volatile QmpGreeting greeting;
    private volatile boolean oobEnabled;

    private ReactorNettyQmpClient(Channel channel, PeerAddress address, QmpConnectOptions options) {
        this.session = new ChannelSession(channel, address, false);
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
        JsonFraming.install(channel.pipeline(), options.maxMessageBytes(), "qmp-client", client,
                options.wireTrace() ? address : null);
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
        return send("qmp_capabilities", arguments, options.commandTimeout(), QmpCommand.Reply.ALWAYS)
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
        return send(command, arguments, timeout, QmpCommand.Reply.ALWAYS);
    }

    @Override
    public <T> Mono<T> execute(QmpCommand<T> command) {
        Duration timeout = command.timeout().orElse(options.commandTimeout());
        return send(command.name(), command.arguments(), timeout, command.reply())
                .flatMap(r -> Mono.justOrEmpty(command.decode(r)));
    }

    /**
     * The one write path. Nothing happens until subscription; cancel or timeout removes the
     * pending entry, so a late reply finds no owner and is dropped. The timeout is a deadline
     * on the resources' shared {@link io.qemureactor.transport.internal.DeadlineTimer} (no timer task
     * per command). A command the peer answers only on error ({@code Reply.ONLY_ON_ERROR}) completes
     * when written; its id stays taken until a reply frees it.
     */
    private Mono<JsonNode> send(String command, JsonNode arguments, Duration timeout, QmpCommand.Reply reply) {
        boolean closesConnection = reply == QmpCommand.Reply.OR_CLOSE;
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
                    if (reply == QmpCommand.Reply.ONLY_ON_ERROR) {
                        channel.writeAndFlush(frame).addListener(f -> {
                            if (f.isSuccess()) {
                                sink.success();
                            } else {
                                sink.error(session.closedError("sending " + command));
                            }
                        });
                        return;
                    }
                    pending.put(id, entry);
                    if (closesConnection) {
                        session.expectEnd();
                    }
                    channel.writeAndFlush(frame).addListener(f -> {
                        if (!f.isSuccess() && pending.remove(id, entry)) {
                            entry.fail(QmpExceptions.closed(address.toString(), "sending " + command, f.cause()));
                        }
                    });
                }
            }
            if (entry == null) {
                sink.error(session.endError("sending " + command));
                return;
            }
            Disposable deadline;
            try {
                deadline = resources.schedule(timeout, () -> {
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
                    .switchIfEmpty(Mono.error(() -> QmpExceptions.closed(address.toString(), "waiting for an event", null)));
            // zip subscribes in argument order: the event subscription exists before the trigger runs
            return Mono.zip(firstMatch, Flux.from(trigger).then(Mono.just(Boolean.TRUE)), (event, done) -> event);
        });
    }

    @Override
    public boolean isOpen() {
        return session.isOpen();
    }

    @Override
    public Mono<Void> onClose() {
        return session.onClose();
    }

    @Override
    public Mono<Void> close() {
        return session.close();
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
            session.failProtocol(protocolError);
        } else {
            session.failIo(cause); // the reason named in the "closed" errors that follow
        }
    }

    @Override
    public void onClosed() {
        List<PendingCommand> orphans;
        synchronized (writeLock) {
            accepting = false;
            orphans = new ArrayList<>(pending.values());
            pending.clear();
        }
        QmpException protocolError = session.failure();
        for (PendingCommand entry : orphans) {
            if (entry.closesConnection && protocolError == null) {
                entry.complete(Json.object()); // quit: the EOF is its answer
            } else {
                entry.fail(session.endError("waiting for the reply to " + entry.command));
            }
        }
        if (greeting == null) {
            greetingSink.tryEmitError(session.endError("waiting for the QMP greeting"));
        }
        QmpException error = session.ended();
        if (error == null) {
            eventSink.tryEmitComplete();
        } else {
            eventSink.tryEmitError(error);
        }
    }
}
