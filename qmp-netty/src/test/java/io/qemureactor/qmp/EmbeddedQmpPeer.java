package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.qemureactor.transport.internal.Json;
import io.qemureactor.transport.PeerAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted QMP server for unit tests: the client runs on an {@link EmbeddedChannel}, the
 * test feeds bytes exactly as it wants them split and reads what the client wrote. Everything
 * runs on the test thread.
 */
final class EmbeddedQmpPeer {

    static final PeerAddress ADDRESS = PeerAddress.unix("/test/vm1/qmp.sock");
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7},"
            + " \"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}\r\n";

    final EmbeddedChannel channel = new EmbeddedChannel();
    final ReactorNettyQmpClient client;

    EmbeddedQmpPeer(QmpConnectOptions options) {
        client = ReactorNettyQmpClient.attach(channel, ADDRESS, options);
    }

    EmbeddedQmpPeer() {
        this(QmpConnectOptions.defaults().withEventScheduler(reactor.core.scheduler.Schedulers.immediate()));
    }

    /** Sends text to the client as one read. */
    void feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    /** Sends raw bytes to the client as one read. */
    void feed(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** The next request the client wrote, parsed; null if none. */
    JsonNode nextRequest() {
        ByteBuf buf = channel.readOutbound();
        if (buf == null) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(buf.toString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            buf.release();
        }
    }

    /** All requests written so far. */
    List<JsonNode> requests() {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode r = nextRequest(); r != null; r = nextRequest()) {
            all.add(r);
        }
        return all;
    }

    static String reply(long id, String returnJson) {
        return "{\"return\": " + returnJson + ", \"id\": " + id + "}\r\n";
    }

    static String error(long id, String errorClass, String desc) {
        return "{\"id\": " + id + ", \"error\": {\"class\": \"" + errorClass + "\", \"desc\": \"" + desc + "\"}}\r\n";
    }

    static String event(String name) {
        return "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 250}, \"event\": \"" + name + "\"}\r\n";
    }

    /** Greets, answers qmp_capabilities, and returns the ready client. */
    ReactorNettyQmpClient handshake() {
        var ready = client.handshake().toFuture();
        feed(GREETING);
        JsonNode caps = nextRequest();
        feed(reply(caps.get("id").asLong(), "{}"));
        return ready.join();
    }
}
