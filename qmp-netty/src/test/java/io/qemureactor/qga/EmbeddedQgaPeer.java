package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.internal.Json;
import io.qemureactor.transport.PeerAddress;
import java.nio.charset.StandardCharsets;

/** A scripted guest agent on an EmbeddedChannel: feed it bytes, read what the client wrote. */
final class EmbeddedQgaPeer {

    static final PeerAddress ADDRESS = PeerAddress.unix("/test/vm1/qga.sock");
    static final byte SENTINEL = (byte) 0xFF;

    final EmbeddedChannel channel = new EmbeddedChannel();
    final ReactorNettyQgaClient client;

    EmbeddedQgaPeer(QmpConnectOptions options) {
        client = ReactorNettyQgaClient.attach(channel, ADDRESS, options);
    }

    EmbeddedQgaPeer() {
        this(QmpConnectOptions.defaults());
    }

    void feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    void feed(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** Feeds the agent's answer to a sync: its 0xFF, then {"return": id}. */
    void answerSync(long id) {
        feed(new byte[] {SENTINEL});
        feed("{\"return\": " + id + "}\n");
    }

    /** The next thing the client wrote: a JSON request, or null if nothing. A lone 0xFF is returned as "SENTINEL". */
    JsonNode next() {
        channel.runPendingTasks(); // writes handed to the event loop from a timer (resends)
        ByteBuf buf = channel.readOutbound();
        if (buf == null) {
            return null;
        }
        try {
            if (buf.readableBytes() == 1 && buf.getByte(buf.readerIndex()) == SENTINEL) {
                return Json.MAPPER.getNodeFactory().textNode("SENTINEL");
            }
            return Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            buf.release();
        }
    }

    /** Expects 0xFF then guest-sync-delimited; returns the sync id. */
    long expectSync() {
        JsonNode sentinel = next();
        if (sentinel == null || !sentinel.isTextual()) {
            throw new AssertionError("expected the 0xFF sentinel, got " + sentinel);
        }
        JsonNode sync = next();
        if (sync == null || !"guest-sync-delimited".equals(sync.path("execute").asText())) {
            throw new AssertionError("expected guest-sync-delimited, got " + sync);
        }
        return sync.path("arguments").path("id").asLong();
    }

    /** Expects a request for {@code command}; returns it. */
    JsonNode expect(String command) {
        JsonNode request = next();
        if (request == null || !command.equals(request.path("execute").asText())) {
            throw new AssertionError("expected " + command + ", got " + request);
        }
        return request;
    }
}
