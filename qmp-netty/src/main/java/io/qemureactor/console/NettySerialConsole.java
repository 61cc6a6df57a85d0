package io.qemureactor.console;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.qemureactor.exceptions.QmpException;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import io.qemureactor.transport.internal.ChannelSession;
import io.qemureactor.transport.internal.Connector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link SerialConsole} on a Netty channel: a line decoder and a replaying sink, on the session
 * core the QMP and QGA clients share. The peer closing the socket is the console's normal end (the
 * VM ended); an I/O error ends it with a {@code QmpConnectionClosedException} naming the socket.
 */
final class NettySerialConsole implements SerialConsole {

    private static final Logger log = LoggerFactory.getLogger(NettySerialConsole.class);

    /**
     * A console line longer than this is not buffered without bound: the decoder drops it up to
     * its line end, and the console goes on with the next line (see exceptionCaught).
     */
    static final int MAX_LINE = 16 * 1024;

    private final PeerAddress address;
    private final ChannelSession session;
    private final Channel channel;
    private final Sinks.Many<String> lines = Sinks.many().replay().limit(HISTORY);
    private final Deque<String> tail = new ArrayDeque<>();

    private NettySerialConsole(PeerAddress address, Channel channel) {
        this.address = address;
        this.channel = channel;
        this.session = new ChannelSession(channel, address, true);
        channel.pipeline()
                .addLast(new LineBasedFrameDecoder(MAX_LINE, true, false))
                .addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                        onLine(msg.toString(StandardCharsets.UTF_8));
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        // only the event loop emits, so the sink is never used concurrently
                        QmpException error = session.ended();
                        if (error == null) {
                            lines.tryEmitComplete();
                        } else {
                            lines.tryEmitError(error);
                        }
                        ctx.fireChannelInactive();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        if (cause instanceof TooLongFrameException) {
                            // the decoder has dropped the line (failFast=false: up to its end) and goes on
                            log.warn("{}: skipped a console line longer than {} bytes", address, MAX_LINE);
                            return;
                        }
                        session.failIo(cause);
                    }
                });
    }

    static Mono<SerialConsole> connect(PeerAddress address, QmpResources resources, ConnectPolicy policy) {
        return Connector.<SerialConsole>connect(address, resources, policy,
                ch -> new NettySerialConsole(address, ch), Mono::just);
    }

    private void onLine(String raw) {
        // consoles end lines with \r\n; the decoder strips \n only when it strips the delimiter pair
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > HISTORY) {
                tail.removeFirst();
            }
        }
        lines.tryEmitNext(line);
    }

    @Override
    public PeerAddress address() {
        return address;
    }

    @Override
    public Flux<String> lines() {
        return lines.asFlux();
    }

    @Override
    public List<String> tail(int n) {
        synchronized (tail) {
            List<String> all = new ArrayList<>(tail);
            return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
        }
    }

    @Override
    public Mono<Void> write(String text) {
        return Mono.create(sink -> channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        sink.success();
                    } else {
                        sink.error(session.closedError("writing to the console"));
                    }
                }));
    }

    @Override
    public Mono<Void> onClose() {
        return session.onClose();
    }

    @Override
    public Mono<Void> close() {
        return session.close();
    }

    @Override
    public String toString() {
        return "serial console " + address;
    }
}
