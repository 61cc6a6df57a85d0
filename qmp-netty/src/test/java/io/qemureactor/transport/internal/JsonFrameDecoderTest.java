package io.qemureactor.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing: objects split and merged across reads, the 0xFF sentinel, discard mode, limits. */
class JsonFrameDecoderTest {

    private final JsonFrameDecoder decoder = new JsonFrameDecoder(256);
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    private void feed(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    private List<String> frames() {
        List<String> out = new ArrayList<>();
        for (ByteBuf b = channel.readInbound(); b != null; b = channel.readInbound()) {
            out.add(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out;
    }

    @Test
    void objectsSplitAndMergedAcrossReads() {
        feed("{\"a\": \"}{\", \"b\"");
        assertThat(frames()).isEmpty();
        feed(": [1, {\"c\": 2}]}\r\n{\"d\": 1}\n{\"e\"");
        assertThat(frames()).containsExactly("{\"a\": \"}{\", \"b\": [1, {\"c\": 2}]}", "{\"d\": 1}");
        feed(": 2}");
        assertThat(frames()).containsExactly("{\"e\": 2}");
    }

    @Test
    void aSentinelDropsThePartialObjectBeforeItAndKeepsWholeOnes() {
        feed("{\"whole\": 1}\n{\"partial\": ");
        assertThat(frames()).containsExactly("{\"whole\": 1}");
        feed("\u00ff{\"next\": 2}\n");
        assertThat(frames()).containsExactly("{\"next\": 2}");
    }

    @Test
    void discardModeDropsEverythingUpToAndIncludingTheSentinel() {
        decoder.discardUntilSentinel();
        feed("{\"stale\": 1}\ngarbage }}} {\"x");
        assertThat(frames()).isEmpty();
        assertThat(decoder.isDiscarding()).isTrue();
        feed("more garbage\u00ff{\"return\": 42}\n");
        assertThat(frames()).containsExactly("{\"return\": 42}");
        assertThat(decoder.isDiscarding()).isFalse();
    }

    @Test
    void garbageIsACorruptedFrameUntilTheNextSentinel() {
        assertThatThrownBy(() -> feed("nonsense")).isInstanceOf(CorruptedFrameException.class);
        feed("{\"ignored\": 1}");
        assertThat(frames()).isEmpty();
        feed("\u00ff{\"ok\": 1}");
        assertThat(frames()).containsExactly("{\"ok\": 1}");
    }

    @Test
    void anObjectOverTheLimitIsTooLong() {
        String big = "{\"x\": \"" + "a".repeat(300) + "\"}";
        assertThatThrownBy(() -> feed(big)).isInstanceOf(TooLongFrameException.class);
    }
}
