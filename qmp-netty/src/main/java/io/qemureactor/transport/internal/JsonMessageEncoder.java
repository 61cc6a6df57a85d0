package io.qemureactor.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a JSON node as one line (QMP and QGA accept any whitespace between objects; a
 * newline keeps traces readable). Raw {@code ByteBuf}s, such as QGA's 0xFF, pass through
 * untouched.
 */
@ChannelHandler.Sharable
public final class JsonMessageEncoder extends MessageToByteEncoder<JsonNode> {

    public JsonMessageEncoder() {
        super(JsonNode.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, JsonNode msg, ByteBuf out) throws Exception {
        try (ByteBufOutputStream stream = new ByteBufOutputStream(out)) {
            Json.MAPPER.writeValue((java.io.OutputStream) stream, msg);
        }
        out.writeByte('\n');
    }
}
