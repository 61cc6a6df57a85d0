package io.qemureactor.console;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.Connector;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** {@link SerialConsole} on a Netty channel: a line decoder and a replaying sink. */
final class NettySerialConsole implements SerialConsole {

    /**
     * A console line longer than this is not buffered without bound: the decoder fails on it, and
     * the console is closed (see exceptionCaught).
     */
    private static final int MAX_LINE = 16 * 1024;

    private final PeerAddress address;
    private final Channel channel;
    private final Sinks.Many<String> lines = Sinks.many().replay().limit(HISTORY);
    private final Deque<String> tail = new ArrayDeque<>();

    private NettySerialConsole(PeerAddress address, Channel channel) {
        this.address = address;
        this.channel = channel;
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
                        lines.tryEmitComplete();
                        ctx.fireChannelInactive();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        ctx.close();
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
                        sink.error(f.cause());
                    }
                }));
    }

    @Override
    public Mono<Void> onClose() {
        return Mono.create(sink -> channel.closeFuture().addListener(f -> sink.success()));
    }

    @Override
    public Mono<Void> close() {
        return Mono.create(sink -> channel.close().addListener(f -> sink.success()));
    }

    @Override
    public String toString() {
        return "serial console " + address;
    }
}
