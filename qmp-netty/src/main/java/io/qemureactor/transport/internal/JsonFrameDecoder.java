package io.qemureactor.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.json.JsonObjectDecoder;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the byte stream into one {@link ByteBuf} per JSON object, using Netty's
 * {@link JsonObjectDecoder} for the brace counting, and adds what QGA needs: the 0xFF
 * sentinel.
 *
 * <ul>
 *   <li>A 0xFF byte can never occur in UTF-8 JSON, so wherever one appears it is a
 *       synchronisation point: the byte is dropped, and so is any partial object before
 *       it (the JSON scanner starts afresh). Complete objects before it are delivered.</li>
 *   <li>{@link #discardUntilSentinel()} (QGA resync) drops <em>all</em> input up to and
 *       including the next 0xFF, so stale replies and garbage left by an earlier client
 *       never reach the client handler.</li>
 *   <li>Objects larger than {@code maxFrameBytes} raise Netty's
 *       {@code TooLongFrameException}; bytes that cannot start a JSON value raise
 *       {@code CorruptedFrameException} and everything up to the next 0xFF is dropped.</li>
 * </ul>
 *
 * <p>Not sharable; all methods run on the channel's event loop.
 */
public final class JsonFrameDecoder extends ByteToMessageDecoder {

    /** The byte QGA writes before its reply to {@code guest-sync-delimited}. */
    public static final byte SENTINEL = (byte) 0xFF;

    private static final Logger log = LoggerFactory.getLogger(JsonFrameDecoder.class);

    private final int maxFrameBytes;
    private ObjectScanner scanner;
    private boolean discarding;
    private long discarded;

    /** @param maxFrameBytes the largest single JSON object accepted */
    public JsonFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.scanner = new ObjectScanner(maxFrameBytes);
    }

    /**
     * From now on drop every byte up to and including the next 0xFF. Call on the event loop,
     * before writing the request whose answer starts with the sentinel.
     */
    public void discardUntilSentinel() {
        discarding = true;
        discarded = 0;
    }

    /** True while waiting for a sentinel. */
    public boolean isDiscarding() {
        return discarding;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        Exception deferred = null;
        while (in.isReadable()) {
            int sentinel = in.indexOf(in.readerIndex(), in.writerIndex(), SENTINEL);
            if (discarding) {
                if (sentinel < 0) {
                    discarded += in.readableBytes();
                    in.skipBytes(in.readableBytes());
                    break;
                }
                discarded += sentinel - in.readerIndex();
                in.readerIndex(sentinel + 1);
                discarding = false;
                scanner = new ObjectScanner(maxFrameBytes);
                if (discarded > 0) {
                    log.debug("discarded {} bytes before the sync sentinel", discarded);
                }
                continue;
            }
            if (sentinel < 0) {
                scan(in, in.writerIndex(), out);
                break;
            }
            // Whole objects before the sentinel are still messages; a partial one is cut off.
            try {
                scan(in, sentinel, out);
            } catch (CorruptedFrameException | TooLongFrameException e) {
                // report it, but first deliver what follows the sentinel: it is valid again
                deferred = deferred == null ? e : deferred;
            } finally {
                in.readerIndex(sentinel + 1);
                scanner = new ObjectScanner(maxFrameBytes);
            }
        }
        if (deferred != null) {
            throw deferred;
        }
    }

    /**
     * Runs the scanner on {@code in[readerIndex, end)} through a view whose reader index
     * starts at 0: JsonObjectDecoder keeps positions relative to the reader index of the
     * buffer it last saw, and assumes a fresh instance starts at 0.
     */
    private void scan(ByteBuf in, int end, List<Object> out) throws Exception {
        ByteBuf view = in.retainedSlice(in.readerIndex(), end - in.readerIndex());
        try {
            scanner.scan(view, out);
        } finally {
            in.skipBytes(view.readerIndex());
            view.release();
        }
    }

    /**
     * Netty's decoder used as a plain object (never added to a pipeline): its {@code decode}
     * keeps the brace-counting state between calls, and a fresh instance is a clean reset.
     */
    private static final class ObjectScanner extends JsonObjectDecoder {

        ObjectScanner(int maxFrameBytes) {
            super(maxFrameBytes);
        }

        void scan(ByteBuf in, List<Object> out) throws Exception {
            // JsonObjectDecoder does not use the context for the per-object decoding.
            decode(null, in, out);
        }
    }
}
