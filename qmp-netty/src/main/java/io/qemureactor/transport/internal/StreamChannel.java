package io.qemureactor.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.StreamOpener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * A Netty channel whose bytes travel on a stream that a {@link StreamOpener} opens (an SSH channel to a
 * unix socket on a remote host), so that the protocol clients' pipelines run on it as on a socket, on the
 * same event loops. The channel does no I/O of its own on its loop: the opener's thread (JSch's session
 * thread) hands it the peer's bytes, and it writes the client's bytes to the stream.
 *
 * <p>Why a channel of its own: before it, a stream peer was an in-JVM channel pair (Netty's local
 * transport, on a loop of its own) whose far end was joined to the stream. Making the pair cost ~0.4 ms of
 * that loop's time per connect, and every message crossed two pipelines and the pair; measured per step, it
 * was the largest cost of a connect over SSH after the round trips themselves.
 *
 * <p>The stream is opened by {@link #open()}, as soon as the connect begins, before the channel is even
 * registered (an opener may block until its peer confirms, so it runs on a bounded-elastic worker); the
 * channel becomes active, and its connect completes, once the stream is open. What the peer sends before
 * that (a QMP greeting) waits, in order, and is read first.
 *
 * <p>A write (at most {@value #INLINE_MAX} bytes) goes to the stream straight from the event loop when
 * nothing is queued before it; anything larger, and anything behind it, goes to a bounded-elastic worker,
 * in order. Why: every hand-off between threads costs a wake-up, 0.1–0.7 ms on a loaded 2-core machine,
 * and a round trip over SSH already pays three (sshd twice, JSch's session thread). An SSH channel's stream
 * blocks its writer only when the host's window for the channel is used up (OpenSSH's is 2 MiB); a few KiB
 * of commands do not use it up while the peer reads, and a bulk write (a file through the guest agent)
 * never runs on the loop.
 *
 * <p>The peer's bytes are read as they come: the channel does not pace them ({@code read()} and auto-read
 * change nothing). QMP and QGA peers send replies and events, which the clients consume as they arrive;
 * the SSH channel's window bounds what can be in flight.
 *
 * <p>A diagnostic, off by default: at TRACE on this class's logger every chunk is logged where it passes
 * (from the client, written to the stream, from the peer), and at DEBUG each stream's byte counts when it
 * ends, so that a stalled exchange shows on which side its bytes stopped.
 */
final class StreamChannel extends AbstractChannel {

    private static final Logger log = LoggerFactory.getLogger(StreamChannel.class);
    /** The largest chunk written from the event loop (see the class comment). */
    static final int INLINE_MAX = 4096;
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    private enum State { OPENING, ACTIVE, CLOSED }

    private final PeerAddress peer;
    private final StreamOpener opener;
    private final SocketAddress address;
    private final ChannelConfig config = new DefaultChannelConfig(this);
    private volatile State state = State.OPENING;

    /** The stream once open: its writes are made on the event loop or on the writer's worker. */
    private volatile OutputStream stream;
    /** Completes when the stream is open ({@link #stream} then holds it), fails if it cannot be. */
    private final Sinks.Empty<Void> opened = Sinks.empty();
    /** Chunks for the writer's worker; completed when the channel closes (the writer then closes the stream). */
    private final Sinks.Many<byte[]> toWorker = Sinks.many().unicast().onBackpressureBuffer();
    /** Chunks handed to the worker and not yet written: while any are, later chunks queue behind them. */
    private final AtomicInteger queued = new AtomicInteger();
    /** The event loop's only: the connect waiting for the stream to open. */
    private ChannelPromise connectPromise;

    /** The peer's bytes: added on the opener's thread, read on the event loop. */
    private final Queue<ByteBuf> inbound = PlatformDependent.newMpscQueue();
    private final AtomicBoolean readScheduled = new AtomicBoolean();
    private volatile boolean peerEnded;
    private final Runnable readInbound = this::readInbound;

    /** Bytes the client wrote, bytes written (and flushed) to the stream, bytes the peer sent: see the class comment. */
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toStream = new AtomicLong();
    private final AtomicLong fromStream = new AtomicLong();

    StreamChannel(PeerAddress peer, StreamOpener opener) {
        super(null);
        this.peer = peer;
        this.opener = opener;
        this.address = new NamedAddress(peer.toString());
    }

    /** The address to {@code connect} this channel to: it names the peer (in logs and errors); nothing resolves it. */
    SocketAddress remote() {
        return address;
    }

    /** A {@link SocketAddress} that only names the stream's peer. */
    private static final class NamedAddress extends SocketAddress {
        private static final long serialVersionUID = 1L;
        private final String name;

        NamedAddress(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Opens the stream (on a bounded-elastic worker: an opener may block until its peer confirms) and starts
     * the writer that sends it what the loop hands over; call once, as the connect begins. A channel closed
     * before the stream opens closes the stream as soon as it does.
     */
    void open() {
        Mono.defer(() -> opener.open(new FromPeer()))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> !(e instanceof IOException), e -> new IOException("cannot open " + peer + ": " + e.getMessage(), e))
                .doOnNext(out -> {
                    stream = out;
                    opened.tryEmitEmpty();
                })
                .flatMapMany(out -> toWorker.asFlux()
                        .publishOn(Schedulers.boundedElastic())
                        .doOnNext(bytes -> {
                            write(out, bytes);
                            queued.decrementAndGet();
                        })
                        .doFinally(signal -> {
                            closeQuietly(out);
                            log.debug("stream {} closed ({}): {} bytes from the client, {} written to the stream, {} from the peer",
                                    peer, signal, fromClient.get(), toStream.get(), fromStream.get());
                        }))
                .subscribe(bytes -> { }, error -> {
                    log.debug("stream {} ended: {}", peer, error.toString());
                    if (opened.tryEmitError(error).isFailure()) {
                        closeOnLoop(); // the writer failed: the channel ends (a failed open fails the connect instead)
                    }
                });
    }

    /** Whether every chunk handed to the worker has been written (for tests). */
    boolean drained() {
        return queued.get() == 0;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    private final class StreamUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (!promise.setUncancellable() || !ensureOpen(promise)) {
                return;
            }
            if (state == State.ACTIVE) {
                promise.setFailure(new AlreadyConnectedException());
                return;
            }
            if (connectPromise != null) {
                promise.setFailure(new ConnectionPendingException());
                return;
            }
            connectPromise = promise;
            opened.asMono().subscribe(none -> { }, e -> onLoop(() -> failConnect(e)), () -> onLoop(StreamChannel.this::activate));
        }
    }

    /** The stream is open: the connect completes and the channel reads what the peer has sent so far. */
    private void activate() {
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        if (promise == null || state != State.OPENING) {
            return;
        }
        state = State.ACTIVE;
        promise.trySuccess(); // uncancellable, and only a close (which takes it first) would fail it
        pipeline().fireChannelActive();
        readInbound();
    }

    private void failConnect(Throwable error) {
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        if (promise != null) {
            promise.tryFailure(error);
        }
        close();
    }

    /** Hands the peer's bytes to the pipeline, on the event loop; when the peer has ended, closes the channel after them. */
    private void readInbound() {
        readScheduled.set(false);
        if (state != State.ACTIVE) {
            return;
        }
        boolean read = false;
        ByteBuf bytes;
        while ((bytes = inbound.poll()) != null) {
            read = true;
            pipeline().fireChannelRead(bytes);
        }
        if (read) {
            pipeline().fireChannelReadComplete();
        }
        if (peerEnded && inbound.isEmpty()) {
            close();
        }
    }

    private void scheduleRead() {
        if (state == State.ACTIVE && readScheduled.compareAndSet(false, true)) {
            eventLoop().execute(readInbound);
        }
    }

    private void onLoop(Runnable task) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Closes the channel from any thread (an open channel is registered: its connect began). */
    private void closeOnLoop() {
        onLoop(() -> close());
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        throw new UnsupportedOperationException("a stream channel writes bytes only, not " + msg.getClass().getName());
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws IOException {
        OutputStream out = stream; // active, so open
        for (Object msg = in.current(); msg != null; msg = in.current()) {
            byte[] bytes = ByteBufUtil.getBytes((ByteBuf) msg);
            long total = fromClient.addAndGet(bytes.length);
            // only the event loop adds to the queue, so when it is empty here nothing can overtake this write
            if (bytes.length <= INLINE_MAX && queued.get() == 0) {
                try {
                    write(out, bytes);
                } catch (UncheckedIOException e) {
                    log.debug("stream {} ended: {}", peer, e.getCause().toString());
                    throw e.getCause(); // Netty fails the write and closes the channel
                }
            } else {
                queued.incrementAndGet();
                Sinks.EmitResult result = toWorker.tryEmitNext(bytes);
                if (result.isFailure()) {
                    queued.decrementAndGet();
                    throw new IOException("stream " + peer + " is closed: " + bytes.length + " bytes not written (" + result + ")");
                }
                if (log.isTraceEnabled()) {
                    log.trace("stream {}: {} bytes from the client queued ({} in all)", peer, bytes.length, total);
                }
            }
            in.remove();
        }
    }

    /**
     * The channel closes (the client closed it, the stream ended, or the connect failed or was given up).
     * When nothing is queued the stream is closed at once, on the event loop, before the close is reported
     * and the client's next connect begins: through the writer it would wait for a worker's wake-up, and a
     * peer that serves one client at a time (a QEMU monitor) accepts the next connection only once it sees
     * this one end. Otherwise the writer closes it after what is queued. A stream still opening is closed as
     * soon as it opens (the writer sees the end at once).
     */
    @Override
    protected void doClose() {
        state = State.CLOSED;
        ChannelPromise promise = connectPromise;
        connectPromise = null;
        if (promise != null) {
            promise.tryFailure(new ClosedChannelException());
        }
        OutputStream out = stream;
        // only the event loop adds to the queue, so when it is empty here nothing is left to write
        if (out != null && queued.get() == 0) {
            closeQuietly(out);
        }
        toWorker.tryEmitComplete();
        releaseInbound();
    }

    private void releaseInbound() {
        ByteBuf bytes;
        while ((bytes = inbound.poll()) != null) {
            bytes.release();
        }
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a stream channel does not bind");
    }

    @Override
    protected void doBeginRead() {
        // the peer's bytes are read as they come (see the class comment)
    }

    /** Any loop can run it: it does no I/O of its own there, only the pipeline's work. */
    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true;
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return state == State.ACTIVE ? address : null;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return state != State.CLOSED;
    }

    @Override
    public boolean isActive() {
        return state == State.ACTIVE;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    private void write(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            long total = toStream.addAndGet(bytes.length);
            if (log.isTraceEnabled()) {
                log.trace("stream {}: {} bytes written to the stream ({} in all)", peer, bytes.length, total);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            log.debug("closing stream {}: {}", peer, e.toString());
        }
    }

    /**
     * The peer's bytes into the channel, written by the opener's thread: never blocks it (they are queued
     * and read on the event loop). Until the channel is active they wait, in order.
     */
    private final class FromPeer extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len <= 0 || state == State.CLOSED) {
                return;
            }
            long total = fromStream.addAndGet(len);
            if (log.isTraceEnabled()) {
                log.trace("stream {}: {} bytes from the peer ({} in all)", peer, len, total);
            }
            inbound.add(Unpooled.copiedBuffer(b, off, len));
            if (state == State.CLOSED) { // closed meanwhile: nobody reads it
                releaseInbound();
                return;
            }
            scheduleRead();
        }

        /** The stream ended: the channel closes once it has read what came before (once active, if still opening). */
        @Override
        public void close() {
            peerEnded = true;
            scheduleRead();
        }
    }
}
