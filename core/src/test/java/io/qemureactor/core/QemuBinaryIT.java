package io.qemureactor.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The version probe against the real {@code qemu-system-x86_64} on this machine. */
class QemuBinaryIT {

    @Test
    void versionMatchesWhatTheBinaryPrints() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-system-x86_64", "--version").start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();

        QemuVersion version = QemuBinary.local().version().block(Duration.ofSeconds(30));

        assertThat(version).isNotNull();
        assertThat(printed).startsWith("QEMU emulator version " + version.number());
        assertThat(version.major()).isGreaterThanOrEqualTo(7);
    }
}
