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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * The far end of an in-JVM channel pair whose near end a client uses: it opens the
 * {@link StreamOpener}'s stream when the pair connects, hands the peer's bytes to the channel
 * as they arrive, and writes the client's bytes to the stream in order, off the event loop.
 * When either side ends, the other is closed.
 *
 * <p>A diagnostic, off by default: at TRACE on this class's logger every chunk is logged where it
 * passes (from the client, written to the stream, from the peer), and at DEBUG each stream's byte
 * counts when it ends, so that a stalled exchange shows on which side its bytes stopped.
 */
final class StreamBridge extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    private final PeerAddress peer;
    private final StreamOpener opener;
    /** The client's bytes, buffered until the stream is open (an agent's client writes first). */
    private final Sinks.Many<byte[]> toPeer = Sinks.many().unicast().onBackpressureBuffer();
    private final Sinks.One<Void> opened = Sinks.one();
    /** Bytes the client wrote, bytes written (and flushed) to the stream, bytes the peer sent: see the class comment. */
    private final AtomicLong fromClient = new AtomicLong();
    private final AtomicLong toStream = new AtomicLong();
    private final AtomicLong fromStream = new AtomicLong();

    StreamBridge(PeerAddress peer, StreamOpener opener) {
        this.peer = peer;
        this.opener = opener;
    }

    /** Completes when the stream is open; fails with an {@link IOException} (retryable) when it cannot be. */
    Mono<Void> opened() {
        return opened.asMono();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        OutputStream fromPeer = new FromPeer(channel, this);
        Mono.defer(() -> opener.open(fromPeer))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(e -> !(e instanceof IOException), e -> new IOException("cannot open " + peer + ": " + e.getMessage(), e))
                .doOnNext(out -> opened.tryEmitEmpty())
                .flatMapMany(out -> toPeer.asFlux()
                        .publishOn(Schedulers.boundedElastic())
                        .doOnNext(bytes -> write(out, bytes))
                        .doFinally(signal -> {
                            closeQuietly(out);
                            log.debug("stream {} closed ({}): {} bytes from the client, {} written to the stream, {} from the peer",
                                    peer, signal, fromClient.get(), toStream.get(), fromStream.get());
                        }))
                .subscribe(bytes -> { }, error -> {
                    opened.tryEmitError(error);
                    log.debug("stream {} ended: {}", peer, error.toString());
                    channel.close();
                }, channel::close);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            byte[] bytes = ByteBufUtil.getBytes(buf);
            long total = fromClient.addAndGet(bytes.length);
            Sinks.EmitResult result = toPeer.tryEmitNext(bytes);
            if (result.isFailure()) {
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

    /** The peer's bytes into the channel: never blocks the opener's thread (Netty queues them on the event loop). */
    private static final class FromPeer extends OutputStream {
        private final Channel channel;
        private final StreamBridge bridge;

        FromPeer(Channel channel, StreamBridge bridge) {
            this.channel = channel;
            this.bridge = bridge;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > 0) {
                long total = bridge.fromStream.addAndGet(len);
                if (log.isTraceEnabled()) {
                    log.trace("stream {}: {} bytes from the peer ({} in all)", bridge.peer, len, total);
                }
                channel.writeAndFlush(Unpooled.copiedBuffer(b, off, len)).addListener(f -> {
                    if (!f.isSuccess()) {
                        log.debug("stream {}: {} bytes from the peer not delivered to the client: {}", bridge.peer, len,
                                f.cause().toString());
                    }
                });
            }
        }

        @Override
        public void close() {
            channel.close();
        }
    }
}
