package io.qemureactor.transport;

import io.netty.channel.ChannelPipeline;

/**
 * Installs the JSON codec that both clients share:
 * bytes -> {@link JsonFrameDecoder} -> {@link JsonMessageDecoder} -> {@code ObjectNode}s, and
 * {@code JsonNode}s -> {@link JsonMessageEncoder} -> bytes.
 */
public final class JsonFraming {

    /** Pipeline name of the {@link JsonFrameDecoder}. */
    public static final String FRAME_DECODER = "json-frames";
    /** Pipeline name of the {@link JsonMessageDecoder}. */
    public static final String MESSAGE_DECODER = "json-messages";
    /** Pipeline name of the {@link JsonMessageEncoder}. */
    public static final String MESSAGE_ENCODER = "json-encoder";

    private static final JsonMessageEncoder ENCODER = new JsonMessageEncoder();

    private JsonFraming() {
    }

    /** Adds the codec at the end of {@code pipeline}; the client handler goes after it. */
    public static void install(ChannelPipeline pipeline, int maxFrameBytes) {
        pipeline.addLast(FRAME_DECODER, new JsonFrameDecoder(maxFrameBytes));
        pipeline.addLast(MESSAGE_DECODER, new JsonMessageDecoder());
        pipeline.addLast(MESSAGE_ENCODER, ENCODER);
    }

    /** The frame decoder installed by {@link #install}, for QGA's resynchronisation. */
    public static JsonFrameDecoder frameDecoder(ChannelPipeline pipeline) {
        return (JsonFrameDecoder) pipeline.get(FRAME_DECODER);
    }
}
