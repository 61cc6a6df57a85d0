package io.qemureactor.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How the wire trace renders a frame: the JSON text, QGA's sync byte visible, no line end. */
class WireTraceTest {

    @Test
    void aFrameIsItsJsonTextWithoutTheLineEnd() {
        String line = "{\"execute\":\"query-status\",\"id\":1}";
        ByteBuf frame = Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8);
        assertThat(WireTrace.text(frame)).isEqualTo(line);
        assertThat(frame.readableBytes()).as("the frame is not consumed").isEqualTo(line.length() + 2);
    }

    @Test
    void theSyncSentinelIsShownAsAMarkerAndTextAroundItStaysReadable() {
        ByteBuf write = Unpooled.buffer();
        write.writeByte(0xFF);
        write.writeCharSequence("{\"return\": \"ü\"}\n", StandardCharsets.UTF_8);
        assertThat(WireTrace.text(write)).isEqualTo("<0xFF>{\"return\": \"ü\"}");
        assertThat(WireTrace.text(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF}))).isEqualTo("<0xFF>");
    }
}
