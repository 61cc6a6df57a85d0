package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.qemureactor.exceptions.QmpException;
import io.qemureactor.exceptions.QmpExceptions;
import io.qemureactor.exceptions.QmpProtocolException;
import io.qemureactor.exceptions.QmpTimeoutException;
import io.qemureactor.qmp.QmpCommand;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.internal.ChannelSession;
import io.qemureactor.transport.internal.Connector;
import io.qemureactor.transport.internal.Json;
import io.qemureactor.transport.internal.JsonFrameDecoder;
import io.qemureactor.transport.internal.JsonFraming;
import io.qemureactor.transport.internal.JsonSession;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * {@link QgaClient} on one Netty channel.
 *
 * <p>One exchange at a time ({@link CommandQueue}); the exchange in flight is a
 * {@link ReplyWaiter} with a filter: a plain command accepts the next message, a
 * resynchronisation only {@code {"return": id}}. {@code inSync} is cleared when an exchange
 * starts and set when its reply arrives, so a timeout, cancel or protocol error always
 * leaves it cleared and the next exchange resynchronises first.
 */
final class ReactorNettyQgaClient implements QgaClient, JsonSession {

    private static final Logger log = LoggerFactory.getLogger(ReactorNettyQgaClient.class);

    /** How often {@link #awaitReady} repeats its resync until the agent answers one. */
    static final Duration READY_RESEND = Duration.ofMillis(50);

    private final ChannelSession session;
    private final Channel channel;
    private final PeerAddress address;
    private final QmpConnectOptions options;
    private final QmpResources resources;
    private final CommandQueue queue = new CommandQueue();

    private volatile boolean inSync;
    private volatile ReplyWaiter waiter;

    private ReactorNettyQgaClient(Channel channel, PeerAddress address, QmpConnectOptions options) {
        this.session = new ChannelSession(channel, address, false);
        this.channel = channel;
        this.address = address;
        this.options = options;
        this.resources = options.resources(); // once: the default is the shared instance, behind a global lock
    }

    /** Connects to the socket; the agent itself is contacted by the first command. */
    static Mono<QgaClient> connect(PeerAddress address, QmpConnectOptions options) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        return Connector.<ReactorNettyQgaClient>connect(address, options.resources(), options.connectPolicy(),
                        channel -> attach(channel, address, options), Mono::just)
                .cast(QgaClient.class);
    }

    /** Installs the codec and this client's handler on a channel that is not reading yet. */
    static ReactorNettyQgaClient attach(Channel channel, PeerAddress address, QmpConnectOptions options) {
        ReactorNettyQgaClient client = new ReactorNettyQgaClient(channel, address, options);
        JsonFraming.install(channel.pipeline(), options.maxMessageBytes(), "qga-client", client,
                options.wireTrace() ? address : null);
        return client;
    }

    @Override
    public PeerAddress address() {
        return address;
    }

    @Override
    public Mono<JsonNode> execute(String command, JsonNode arguments) {
        return execute(QmpCommand.of(command, arguments));
    }

    @Override
    public <T> Mono<T> execute(QmpCommand<T> command) {
        Duration timeout = command.timeout().orElse(options.commandTimeout());
        return queue.submit(() -> syncIfNeeded().then(call(command, timeout)))
                .flatMap(r -> Mono.justOrEmpty(command.decode(r)));
    }

    @Override
    public Mono<Void> sync() {
        return queue.submit(this::resync);
    }

    @Override
    public Mono<Void> awaitReady(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return Mono.defer(() -> {
            AtomicReference<Throwable> lastError = new AtomicReference<>();
            QmpCommand<Void> ping = QgaCommands.ping();
            // Announced until answered, then an exact resync: see resyncUntilAnswered
            Mono<Void> attempt = queue.submit(() -> resyncUntilAnswered()
                            .then(resync())
                            .then(call(ping, options.syncTimeout())))
                    .then()
                    .doOnError(lastError::set);
            return withTimeout(attempt
                    .retryWhen(options.pollBackoff().toRetry(
                            e -> e instanceof QmpTimeoutException || e instanceof QmpProtocolException)),
                    timeout, () -> QmpExceptions.timeout(
                            "waiting for the guest agent at " + address + " to answer", timeout, lastError.get()));
        });
    }

    @Override
    public Mono<ExecResult> exec(String path, List<String> args) {
        Objects.requireNonNull(path, "path");
        List<String> argv = List.copyOf(args);
        return execute(QgaCommands.exec(path, argv)).flatMap(pid -> withTimeout(
                execute(QgaCommands.execStatus(pid))
                        .flatMap(status -> status.map(Mono::just).orElseGet(() -> Mono.error(StillRunning.INSTANCE)))
                        .retryWhen(options.pollBackoff().toRetry(e -> e == StillRunning.INSTANCE)),
                options.execTimeout(), () -> QmpExceptions.timeout(
                        "guest program " + path + " (guest pid " + pid + ") on " + address, options.execTimeout())));
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

    // ---- exchanges (each runs as the only one in flight) ----

    private Mono<Void> syncIfNeeded() {
        return Mono.defer(() -> inSync ? Mono.empty() : resync());
    }

    /** 0xFF, then guest-sync-delimited; input is discarded up to the agent's 0xFF. */
    private Mono<Void> resync() {
        Duration timeout = options.syncTimeout();
        long id = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);
        JsonNode request = QgaCommands.syncDelimited(id);
        Predicate<JsonNode> ourReply = m -> m.path("return").canConvertToLong() && m.path("return").asLong() == id;
        return exchange("guest-sync-delimited", timeout, ourReply, false, () -> {
            JsonFraming.frameDecoder(channel.pipeline()).discardUntilSentinel();
            channel.write(Unpooled.wrappedBuffer(new byte[] {JsonFrameDecoder.SENTINEL}));
            return channel.writeAndFlush(request);
        }).doOnNext(r -> log.debug("{}: in sync with the guest agent (id {})", address, id)).then();
    }

    /**
     * A resync sent again every {@link #READY_RESEND} until one is answered, taking the answer to
     * any of them. Before the guest's qemu-ga opens its port, what is written to the port is lost
     * (an ISA serial port drops input while its tty is closed) or queued (virtio-serial): one
     * request and a wait for its reply would wait out the whole sync timeout whenever it was sent
     * too early, which is the common case while a guest boots. Resending makes "ready" follow the
     * agent within one period; accepting any of the ids keeps a slow answer valid after a resend.
     * Queued requests may leave further answers in the stream: the caller resyncs exactly after.
     */
    private Mono<Void> resyncUntilAnswered() {
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        Predicate<JsonNode> ours = m -> m.path("return").canConvertToLong() && ids.contains(m.path("return").asLong());
        Supplier<ChannelFuture> send = () -> {
            long id = ThreadLocalRandom.current().nextLong(1, Integer.MAX_VALUE);
            ids.add(id);
            JsonFraming.frameDecoder(channel.pipeline()).discardUntilSentinel();
            channel.write(Unpooled.wrappedBuffer(new byte[] {JsonFrameDecoder.SENTINEL}));
            return channel.writeAndFlush(QgaCommands.syncDelimited(id));
        };
        // Cleared on the event loop as the answer arrives, before the next exchange writes: a
        // resend already queued behind it then writes nothing into the next exchange's stream.
        AtomicBoolean resending = new AtomicBoolean(true);
        Mono<JsonNode> answered = exchange("guest-sync-delimited", options.syncTimeout(), ours, false, send)
                .doFinally(signal -> resending.set(false));
        Flux<Long> resends = Flux.defer(() -> Flux.interval(READY_RESEND, resources.timerScheduler()))
                .doOnNext(tick -> resend(() -> {
                    if (resending.get()) {
                        send.get();
                    }
                }));
        return Flux.merge(answered.flux(), resends.then(Mono.<JsonNode>never()).flux()).next()
                .doFinally(signal -> resending.set(false))
                .then();
    }

    private void resend(Runnable send) {
        try {
            channel.eventLoop().execute(send);
        } catch (RuntimeException e) {
            // the loop is shut down: the pending exchange fails as the channel closes
        }
    }

    private Mono<JsonNode> call(QmpCommand<?> command, Duration timeout) {
        ObjectNode request = Json.object().put("execute", command.name());
        if (command.arguments() != null) {
            request.set("arguments", command.arguments());
        }
        if (!command.repliesOnSuccess()) {
            return writeOnly(command.name(), request);
        }
        if (command.closesConnection()) {
            session.expectEnd();
        }
        return exchange(command.name(), timeout, m -> true, command.closesConnection(), () -> channel.writeAndFlush(request))
                .flatMap(reply -> reply.has("error")
                        ? Mono.error(QmpExceptions.commandFailed(command.name(), reply.get("error")))
                        : Mono.just(reply.path("return")));
    }

    /**
     * Writes a request and waits for the first message {@code accepts} takes.
     *
     * @param endIsAnswer the connection closing is this request's answer (a command expecting
     *     {@code Reply.OR_CLOSE}): it completes with an empty object then
     */
    private Mono<JsonNode> exchange(String what, Duration timeout, Predicate<JsonNode> accepts, boolean endIsAnswer,
            Supplier<ChannelFuture> write) {
        Mono<JsonNode> reply = Mono.create(sink -> {
            if (session.hasEnded()) {
                sink.error(session.closedError("sending " + what));
                return;
            }
            ReplyWaiter w = new ReplyWaiter(what, accepts, endIsAnswer, sink);
            inSync = false; // until this exchange's reply arrives, the stream position is unknown
            waiter = w;
            sink.onDispose(() -> {
                if (waiter == w) {
                    waiter = null;
                }
            });
            onEventLoop(what, sink, () -> write.get().addListener(f -> {
                if (!f.isSuccess()) {
                    w.fail(session.closedError("sending " + what));
                }
            }));
        });
        return withTimeout(reply, timeout, () -> QmpExceptions.timeout("reply to " + what + " from " + address, timeout));
    }

    /** A deadline on the resources' shared timer (no timer task per exchange). */
    private <T> Mono<T> withTimeout(Mono<T> source, Duration timeout, Supplier<? extends Throwable> error) {
        return resources.timeout(source, timeout, error, late -> { });
    }

    /** For commands without a reply on success: done when written; the next command resyncs. */
    private Mono<JsonNode> writeOnly(String what, JsonNode request) {
        return Mono.create(sink -> {
            if (session.hasEnded()) {
                sink.error(session.closedError("sending " + what));
                return;
            }
            // an error reply may still come: resynchronising discards it
            inSync = false;
            onEventLoop(what, sink, () -> channel.writeAndFlush(request).addListener(f -> {
                if (f.isSuccess()) {
                    sink.success();
                } else {
                    sink.error(session.closedError("sending " + what));
                }
            }));
        });
    }

    /** Runs {@code task} on the channel's event loop; fails {@code sink} if the loop is gone. */
    private void onEventLoop(String what, MonoSink<?> sink, Runnable task) {
        EventLoop loop = channel.eventLoop();
        try {
            if (loop.inEventLoop()) {
                task.run();
            } else {
                loop.execute(task);
            }
        } catch (RuntimeException e) { // loop shut down
            sink.error(session.closedError("sending " + what));
        }
    }

    // ---- inbound, on the event loop ----

    @Override
    public void onMessage(JsonNode message) {
        ReplyWaiter w = waiter;
        if (w == null) {
            log.debug("{}: dropping unsolicited message {}", address, message);
            return;
        }
        if (!w.accepts.test(message)) {
            log.debug("{}: ignoring {} while waiting for {}", address, message, w.what);
            return;
        }
        waiter = null;
        inSync = true;
        w.sink.success(message);
    }

    @Override
    public void onFailure(Throwable cause) {
        QmpException protocolError = JsonFraming.protocolError(address.toString(), options.maxMessageBytes(), false, cause);
        if (protocolError != null) {
            // not fatal for QGA: the next exchange resynchronises (and resets the JSON scanner)
            inSync = false;
            log.warn(protocolError.getMessage());
            ReplyWaiter w = waiter;
            if (w != null) {
                waiter = null;
                w.fail(protocolError);
            }
            return;
        }
        session.failIo(cause);
    }

    @Override
    public void onClosed() {
        ReplyWaiter w = waiter;
        waiter = null;
        if (w != null && w.endIsAnswer) {
            w.sink.success(Json.object());
        } else if (w != null) {
            w.fail(session.closedError("waiting for the reply to " + w.what));
        }
        session.ended();
    }

    /** The one exchange in flight. */
    private static final class ReplyWaiter {

        final String what;
        final Predicate<JsonNode> accepts;
        final boolean endIsAnswer;
        final MonoSink<JsonNode> sink;

        ReplyWaiter(String what, Predicate<JsonNode> accepts, boolean endIsAnswer, MonoSink<JsonNode> sink) {
            this.what = what;
            this.accepts = accepts;
            this.endIsAnswer = endIsAnswer;
            this.sink = sink;
        }

        void fail(Throwable error) {
            sink.error(error);
        }
    }

    /** Polling signal of {@link #exec}: the guest program has not exited yet. */
    private static final class StillRunning extends RuntimeException {
        static final StillRunning INSTANCE = new StillRunning();

        private StillRunning() {
            super("guest program still running", null, false, false);
        }
    }

    /** For tests: whether the next command will resynchronise first. */
    boolean needsSync() {
        return !inSync;
    }

    /** For tests: commands waiting behind the one in flight. */
    int queued() {
        return queue.waiting();
    }
}
