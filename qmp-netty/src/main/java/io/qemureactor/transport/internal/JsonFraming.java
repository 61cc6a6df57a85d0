package io.qemureactor.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.qemureactor.exceptions.QmpException;
import io.qemureactor.exceptions.QmpExceptions;
import io.qemureactor.exceptions.QmpProtocolException;
import io.qemureactor.transport.PeerAddress;

/**
 * Installs the JSON codec that both clients share:
 * bytes -> {@link JsonFrameDecoder} -> {@link JsonMessageDecoder} -> {@code ObjectNode}s -> the
 * client's {@link JsonSession}, and {@code JsonNode}s -> {@link JsonMessageEncoder} -> bytes.
 */
public final class JsonFraming {

    /** Pipeline name of the {@link JsonFrameDecoder}. */
    public static final String FRAME_DECODER = "json-frames";
    /** Pipeline name of the {@link JsonMessageDecoder}. */
    public static final String MESSAGE_DECODER = "json-messages";
    /** Pipeline name of the {@link JsonMessageEncoder}. */
    public static final String MESSAGE_ENCODER = "json-encoder";
    /** Pipeline name of the {@link WireTrace}, when there is one. */
    public static final String WIRE_TRACE = "wire-trace";

    private static final JsonMessageEncoder ENCODER = new JsonMessageEncoder();

    private JsonFraming() {
    }

    /**
     * Adds the codec and then {@code session} (as the handler named {@code sessionName}) at the end
     * of {@code pipeline}, which must not be reading yet (a channel initializer, or an
     * {@code EmbeddedChannel}), so that no message can arrive before the session is there.
     *
     * @param traceAs when not null, a {@link WireTrace} naming this peer logs every frame: placed
     *     after the frame decoder (one JSON object per read) and before the encoder in the outbound
     *     direction (the bytes of every write)
     */
    public static void install(ChannelPipeline pipeline, int maxFrameBytes, String sessionName, JsonSession session,
            PeerAddress traceAs) {
        pipeline.addLast(FRAME_DECODER, new JsonFrameDecoder(maxFrameBytes));
        if (traceAs != null) {
            pipeline.addLast(WIRE_TRACE, new WireTrace(traceAs));
        }
        pipeline.addLast(MESSAGE_DECODER, new JsonMessageDecoder());
        pipeline.addLast(MESSAGE_ENCODER, ENCODER);
        pipeline.addLast(sessionName, new SessionHandler(session));
    }

    /**
     * What a decoder failure means to the protocol: a {@code QmpProtocolException} naming
     * {@code peer} for an oversized frame (over {@code maxFrameBytes}) or malformed JSON; null when
     * {@code cause} is not a protocol error (an I/O error, say).
     *
     * @param connectionCloses whether the client closes the connection on it (said in the message)
     */
    public static QmpException protocolError(String peer, int maxFrameBytes, boolean connectionCloses, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return QmpExceptions.oversize(peer, maxFrameBytes, connectionCloses, cause);
        }
        if (cause instanceof CorruptedFrameException || cause instanceof QmpProtocolException) {
            return QmpExceptions.malformed(peer, cause);
        }
        if (cause instanceof DecoderException && cause.getCause() != null) {
            return protocolError(peer, maxFrameBytes, connectionCloses, cause.getCause());
        }
        return null;
    }

    /** Adapts Netty's callbacks to a {@link JsonSession}; the last handler, so it consumes everything. */
    private static final class SessionHandler extends ChannelInboundHandlerAdapter {

        private final JsonSession session;

        SessionHandler(JsonSession session) {
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                session.onMessage((JsonNode) msg);
            } catch (QmpProtocolException e) {
                session.onFailure(e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.onFailure(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.onClosed();
        }
    }

    /** The frame decoder installed by {@link #install}, for QGA's resynchronisation. */
    public static JsonFrameDecoder frameDecoder(ChannelPipeline pipeline) {
        return (JsonFrameDecoder) pipeline.get(FRAME_DECODER);
    }
}
