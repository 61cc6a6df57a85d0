package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TailBufferTest {

    @Test
    void keepsEverythingUpToCapacity() {
        TailBuffer b = new TailBuffer(8);
        b.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        assertThat(b).hasToString("abc");
    }

    @Test
    void keepsTheLastBytesWhenOverCapacity() {
        TailBuffer b = new TailBuffer(4);
        b.write("abcdef".getBytes(StandardCharsets.UTF_8), 0, 6);
        b.write('g');
        assertThat(b).hasToString("defg");
    }
}
