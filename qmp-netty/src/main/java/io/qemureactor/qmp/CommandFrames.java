package io.qemureactor.qmp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.qemureactor.transport.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes {@code {"execute": name, "arguments": ..., "id": n}\n} straight into a {@link ByteBuf}:
 * the same line {@code JsonMessageEncoder} would produce from an {@code ObjectNode}, without
 * building the node and going through the mapper's serializer lookup for every command. The
 * {@code {"execute":"name"} prefix is encoded once per command name.
 */
final class CommandFrames {

    /** Bounds the prefix cache; names beyond it (unusual: QEMU has a few hundred commands) are encoded each time. */
    private static final int MAX_CACHED_NAMES = 1024;
    private static final ConcurrentHashMap<String, byte[]> PREFIXES = new ConcurrentHashMap<>();
    private static final byte[] ARGUMENTS = ",\"arguments\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = ",\"id\":".getBytes(StandardCharsets.US_ASCII);

    private CommandFrames() {
    }

    static ByteBuf command(ByteBufAllocator alloc, String name, JsonNode arguments, long id) {
        byte[] prefix = prefix(name);
        ByteBuf buf = alloc.buffer(prefix.length + 32 + (arguments == null ? 0 : 64));
        try {
            buf.writeBytes(prefix);
            if (arguments != null) {
                buf.writeBytes(ARGUMENTS);
                try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
                    Json.MAPPER.writeValue((java.io.OutputStream) out, arguments);
                }
            }
            buf.writeBytes(ID);
            buf.writeCharSequence(Long.toString(id), StandardCharsets.US_ASCII);
            buf.writeByte('}');
            buf.writeByte('\n');
            return buf;
        } catch (IOException e) {
            buf.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            buf.release();
            throw e;
        }
    }

    private static byte[] prefix(String name) {
        byte[] cached = PREFIXES.get(name);
        if (cached != null) {
            return cached;
        }
        byte[] quoted = JsonStringEncoder.getInstance().quoteAsUTF8(name);
        byte[] head = "{\"execute\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] prefix = new byte[head.length + quoted.length + 1];
        System.arraycopy(head, 0, prefix, 0, head.length);
        System.arraycopy(quoted, 0, prefix, head.length, quoted.length);
        prefix[prefix.length - 1] = '"';
        if (PREFIXES.size() < MAX_CACHED_NAMES) {
            PREFIXES.putIfAbsent(name, prefix);
        }
        return prefix;
    }
}
