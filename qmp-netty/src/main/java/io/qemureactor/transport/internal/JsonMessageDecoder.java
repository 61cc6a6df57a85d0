package io.qemureactor.transport.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.qemureactor.exceptions.QmpProtocolException;
import java.io.IOException;

/**
 * Parses each frame from {@link JsonFrameDecoder} into a Jackson {@code ObjectNode}.
 * A frame that is not a JSON object is reported by {@code exceptionCaught} with a
 * {@link QmpProtocolException}; what that means is the client handler's decision.
 */
public final class JsonMessageDecoder extends ChannelInboundHandlerAdapter {

    /** Frames up to this size are copied into one array and parsed from it. */
    private static final int COPY_LIMIT = 64 * 1024;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        JsonNode node;
        try {
            node = parse(frame);
        } catch (JacksonException e) {
            ctx.fireExceptionCaught(new QmpProtocolException("invalid JSON: " + e.getOriginalMessage(), e));
            return;
        } catch (IOException e) {
            ctx.fireExceptionCaught(new QmpProtocolException("unreadable frame: " + e.getMessage(), e));
            return;
        } finally {
            ReferenceCountUtil.release(frame);
        }
        if (node == null || !node.isObject()) {
            ctx.fireExceptionCaught(new QmpProtocolException("expected a JSON object, got: " + abbreviate(node)));
            return;
        }
        ctx.fireChannelRead(node);
    }

    /**
     * Small frames (every reply and event in practice) are parsed straight from their bytes:
     * the heap array when there is one, else one copy. Going through an {@code InputStream}
     * costs more than the copy (encoding detection and reference-count checks per read).
     * Large frames stream, so a multi-megabyte reply is not held twice.
     */
    private static JsonNode parse(ByteBuf frame) throws IOException {
        int length = frame.readableBytes();
        if (frame.hasArray()) {
            return Json.MAPPER.readTree(frame.array(), frame.arrayOffset() + frame.readerIndex(), length);
        }
        if (length <= COPY_LIMIT) {
            byte[] bytes = new byte[length];
            frame.getBytes(frame.readerIndex(), bytes);
            return Json.MAPPER.readTree(bytes);
        }
        try (ByteBufInputStream in = new ByteBufInputStream(frame.duplicate())) {
            return Json.MAPPER.readTree((java.io.InputStream) in);
        }
    }

    private static String abbreviate(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
