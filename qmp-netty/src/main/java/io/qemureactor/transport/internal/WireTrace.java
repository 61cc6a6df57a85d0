package io.qemureactor.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import io.qemureactor.transport.PeerAddress;
import java.nio.charset.StandardCharsets;

/**
 * The wire trace: Netty's {@link LoggingHandler} at DEBUG on the logger
 * {@code io.qemureactor.wire} (Netty logs through SLF4J when it is present), placed where it sees
 * one JSON frame per read and the encoded bytes of every write. It prints each frame as its JSON
 * text, {@code PEER -> FRAME} sent and {@code PEER <- FRAME} received, instead of the hex dump
 * {@code LoggingHandler} would print, and leaves out the per-frame flush and read-complete
 * events. Installed only when a client's options ask for it: no cost otherwise.
 */
final class WireTrace extends LoggingHandler {

    /** The logger name; {@code QmpConnectOptions.WIRE_TRACE_LOGGER} says the same. */
    static final String LOGGER = "io.qemureactor.wire";

    private final String peer;

    WireTrace(PeerAddress peer) {
        super(LOGGER, LogLevel.DEBUG);
        this.peer = peer.toString();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    protected String format(ChannelHandlerContext ctx, String eventName) {
        return peer + " " + eventName;
    }

    @Override
    protected String format(ChannelHandlerContext ctx, String eventName, Object arg) {
        if (arg instanceof ByteBuf frame) {
            String direction = "WRITE".equals(eventName) ? " -> " : "READ".equals(eventName) ? " <- " : " " + eventName + " ";
            return peer + direction + text(frame);
        }
        return peer + " " + eventName + ": " + arg;
    }

    @Override
    protected String format(ChannelHandlerContext ctx, String eventName, Object firstArg, Object secondArg) {
        return peer + " " + eventName; // CONNECT and BIND: the addresses are the peer's, named already
    }

    /** The frame as text without its line end; 0xFF (never part of UTF-8 JSON) as {@code <0xFF>}. */
    static String text(ByteBuf frame) {
        StringBuilder out = new StringBuilder(frame.readableBytes());
        int from = frame.readerIndex();
        int end = frame.writerIndex();
        while (from < end) {
            int sentinel = frame.indexOf(from, end, JsonFrameDecoder.SENTINEL);
            int stop = sentinel < 0 ? end : sentinel;
            out.append(frame.toString(from, stop - from, StandardCharsets.UTF_8));
            if (sentinel < 0) {
                break;
            }
            out.append("<0xFF>");
            from = sentinel + 1;
        }
        int length = out.length();
        while (length > 0 && (out.charAt(length - 1) == '\n' || out.charAt(length - 1) == '\r')) {
            length--;
        }
        out.setLength(length);
        return out.toString();
    }
}
