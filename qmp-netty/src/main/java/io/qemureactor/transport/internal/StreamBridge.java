package io.qemureactor.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.StreamOpener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The far end of an in-JVM channel pair whose near end a client uses: it joins the pair to the
 * {@link StreamOpener}'s stream, hands the peer's bytes to the channel as they arrive, and writes
 * the client's bytes to the stream in order. When either side ends, the other is closed.
 *
 * <p>The stream is opened by {@link #open()}, as soon as the connect begins, while the channel
 * pair is still being made: opening an SSH channel is a round trip to the host and making the pair
 * costs a few event-loop hand-offs; one after the other they were most of a connect's extra cost
 * over SSH. What the peer sends before the pair is up (a QMP greeting) waits in {@link FromPeer}.
 *
 * <p>A command (at most {@value #INLINE_MAX} bytes) is written to the stream straight from the event
 * loop when nothing is queued before it; anything larger, and anything behind it, goes to a
 * bounded-elastic worker, in order. Why: every hand-off between threads costs a wake-up, 0.1–0.7 ms
 * on a loaded 2-core machine, and a round trip over SSH already pays three (sshd twice, JSch's
 * session thread). An SSH channel's stream blocks its writer only when the host's window for the
 * channel is used up (OpenSSH's is 2 MiB); a few KiB of commands do not use it up while the peer
 * reads, and a bulk write (a file through the guest agent) never runs on the loop.
 *
 * <p>A diagnostic, off by default: at TRACE on this class's logger every chunk is logged where it
 * passes (from the client, written to the stream, from the peer), and at DEBUG each stream's byte
 * counts when it ends, so that a stalled exchange shows on which side its bytes stopped.
 */
final class StreamBridge extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);
    /** The largest chunk written from the event loop (see the class comment). */
    static final int INLINE_MAX = 4096;

    private final PeerAddress peer;
    private final StreamOpener opener;
    /** The client's bytes, buffered until the stream is open (an agent's client writes first). */
    private final Sinks.Many<byte[]> toPeer = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<Void> opened = Sinks.one();
    private final FromPeer fromPeer = new FromPeer();
    /** The stream once open (read on the event loop, for the writes made there: see the class comment). */
    private volatile OutputStream stream;
    /** Chunks handed to the worker and not yet written: while any are, later chunks queue behind them. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Bytes the client wrote, bytes written (and flushed) to the stream, bytes the peer sent: see the class comment. */
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toStream = new AtomicLong();
    private final AtomicLong fromStream = new AtomicLong();

    StreamBridge(PeerAddress peer, StreamOpener opener) {
        this.peer = peer;
        this.opener = opener;
    }

    /**
     * Opens the stream (on a bounded-elastic worker: an opener may block until its peer confirms)
     * and starts the writer that sends it the client's bytes; call once, before the pair connects.
     *
     * @return completes when the stream is open; fails with an {@link IOException} (retryable) when it cannot be
     */
    Mono<Void> open() {
        Mono.defer(() -> opener.open(fromPeer))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> !(e instanceof IOException), e -> new IOException("cannot open " + peer + ": " + e.getMessage(), e))
                .doOnNext(out -> {
                    stream = out;
                    opened.tryEmitEmpty();
                })
                .flatMapMany(out -> toPeer.asFlux()
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
                    opened.tryEmitError(error);
                    log.debug("stream {} ended: {}", peer, error.toString());
                    fromPeer.close();
                }, fromPeer::close);
        return opened.asMono();
    }

    /** Whether every chunk handed to the worker has been written (for tests). */
    boolean drained() {
        return queued.get() == 0;
    }

    /**
     * Ends the bridge before or without its channel (the pair could not be made, or the connect was
     * cancelled): a stream still opening is closed as soon as it opens.
     */
    void abandon() {
        toPeer.tryEmitComplete();
        fromPeer.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        fromPeer.attach(ctx.channel());
        ctx.channel().closeFuture().addListener(closed -> closeIfDrained());
        ctx.fireChannelActive();
    }

    /**
     * The channel closed (the client closed its end, or the stream ended): when nothing is queued the
     * stream is closed at once, on the event loop, before the client's close is reported and its next
     * connect begins. Through the writer it would wait for a worker's wake-up, and a peer that serves one
     * client at a time (a QEMU monitor) accepts the next connection only once it sees this one end. What
     * the client wrote just before closing has been read by then: the close comes after it on this loop.
     * The writer's own close, when it ends, is then a second close of the stream, which does nothing.
     */
    private void closeIfDrained() {
        OutputStream out = stream;
        // only the event loop adds to the queue, so when it is empty here nothing is left to write
        if (out != null && queued.get() == 0) {
            closeQuietly(out);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            byte[] bytes = ByteBufUtil.getBytes(buf);
            long total = fromClient.addAndGet(bytes.length);
            OutputStream out = stream;
            // only the event loop adds to the queue, so when it is empty here nothing can overtake this write
            if (out != null && bytes.length <= INLINE_MAX && queued.get() == 0) {
                try {
                    write(out, bytes);
                } catch (UncheckedIOException e) {
                    log.debug("stream {} ended: {}", peer, e.getCause().toString());
                    ctx.close();
                }
                return;
            }
            queued.incrementAndGet();
            Sinks.EmitResult result = toPeer.tryEmitNext(bytes);
            if (result.isFailure()) {
                queued.decrementAndGet();
                log.debug("stream {}: {} bytes from the client not queued: {}", peer, bytes.length, result);
            } else if (log.isTraceEnabled()) {
                log.trace("stream {}: {} bytes from the client queued ({} in all)", peer, bytes.length, total);
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // a stream still opening is closed as soon as it opens: the writer sees the end at once
        toPeer.tryEmitComplete();
        ctx.fireChannelInactive();
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
     * The peer's bytes into the channel: never blocks the opener's thread (Netty queues them on the
     * event loop). Until the channel is active they are kept, in order, and written when it is.
     */
    private final class FromPeer extends OutputStream {
        /** Guarded by this: the channel once active, the bytes that came before it, whether the stream ended. */
        private Channel channel;
        private List<ByteBuf> early = new ArrayList<>(1);
        private boolean ended;

        /** Called on the event loop when the channel is active: writes what came before, in order. */
        synchronized void attach(Channel active) {
            channel = active;
            for (ByteBuf b : early) {
                deliver(b);
            }
            early = null;
            if (ended) {
                active.close();
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len <= 0) {
                return;
            }
            long total = fromStream.addAndGet(len);
            if (log.isTraceEnabled()) {
                log.trace("stream {}: {} bytes from the peer ({} in all)", peer, len, total);
            }
            ByteBuf bytes = Unpooled.copiedBuffer(b, off, len);
            synchronized (this) {
                if (channel == null) {
                    if (early == null || ended) {
                        bytes.release();
                    } else {
                        early.add(bytes);
                    }
                    return;
                }
            }
            deliver(bytes);
        }

        private void deliver(ByteBuf bytes) {
            int len = bytes.readableBytes();
            channel.writeAndFlush(bytes).addListener(f -> {
                if (!f.isSuccess()) {
                    log.debug("stream {}: {} bytes from the peer not delivered to the client: {}", peer, len,
                            f.cause().toString());
                }
            });
        }

        /** The stream ended (or the bridge was abandoned): the channel closes, now or when it becomes active. */
        @Override
        public void close() {
            Channel active;
            synchronized (this) {
                ended = true;
                active = channel;
                if (active == null && early != null) {
                    early.forEach(ByteBuf::release);
                    early.clear();
                }
            }
            if (active != null) {
                active.close();
            }
        }
    }
}
