package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code qemu-reactor version} against the real qemu-system-x86_64 of this machine. */
class VersionCommandIT {

    @Test
    void printsTheSameVersionAsQemuItself() throws Exception {
        Process p = new ProcessBuilder("qemu-system-x86_64", "--version").start();
        String firstLine = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        p.waitFor();

        CliRun run = CliRun.of("version");

        assertThat(run.exitCode()).isZero();
        // "QEMU emulator version 7.2.22 (Debian ...)" -> "QEMU 7.2.22 (Debian ...)"
        assertThat(run.out().strip()).isEqualTo(firstLine.replace("QEMU emulator version ", "QEMU "));
    }
}
