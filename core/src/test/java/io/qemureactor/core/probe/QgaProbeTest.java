package io.qemureactor.core.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QgaProbeTest {

    @Test
    void anotherTimeoutBoundsTheAgentsOwnWaitToo() {
        BootProbe probe = BootProbe.qga().withTimeout(Duration.ofSeconds(300));

        // a wrapper would keep the 120 s the agent's awaitReady gets: the probe itself must change
        assertThat(probe).isInstanceOfSatisfying(QgaProbe.class,
                p -> assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(300)));
    }
}
