package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

class LocalHostTest {

    private final LocalHost host = LocalHost.instance();

    @Test
    void capturesExitCodeAndBothStreams() {
        StepVerifier.create(host.exec(List.of("sh", "-c", "echo out; echo err >&2; exit 3")))
                .assertNext(r -> {
                    assertThat(r.exitCode()).isEqualTo(3);
                    assertThat(r.stdout()).isEqualTo("out\n");
                    assertThat(r.stderr()).isEqualTo("err\n");
                    assertThat(r.describeFailure()).isEqualTo("sh exited with status 3: err");
                })
                .verifyComplete();
    }

    @Test
    void passesArgumentsVerbatimWithoutAShell() {
        String tricky = "a b; echo injected $(id) 'q' \"dq\"";
        StepVerifier.create(host.exec(List.of("printf", "%s", tricky)))
                .assertNext(r -> assertThat(r.stdout()).isEqualTo(tricky))
                .verifyComplete();
    }

    @Test
    void missingProgramNamesItAndThePackage() {
        StepVerifier.create(host.exec(List.of("qemu-img-does-not-exist", "info")))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(CommandNotFoundException.class)
                        .hasMessage("qemu-img-does-not-exist not found on localhost: install it or put it on the PATH"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void keepsOnlyTheTailOfLongOutput(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big");
        byte[] bytes = new byte[LocalHost.OUTPUT_LIMIT + 10];
        java.util.Arrays.fill(bytes, (byte) 'x');
        bytes[bytes.length - 1] = 'E';
        Files.write(big, bytes);
        StepVerifier.create(host.exec(List.of("cat", big.toString())))
                .assertNext(r -> {
                    assertThat(r.stdout()).hasSize(LocalHost.OUTPUT_LIMIT);
                    assertThat(r.stdout()).endsWith("xE");
                })
                .verifyComplete();
    }

    @Test
    void cancellingKillsTheProcess(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        var subscription = host.exec(List.of("sh", "-c", "echo $$ > \"$1\"; exec sleep 60", "sh", pidFile.toString())).subscribe();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((!Files.exists(pidFile) || Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid)).isPresent();
        subscription.dispose();
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
