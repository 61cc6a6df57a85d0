package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import io.qemureactor.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * What every {@link Host} must do, run against each implementation. The SSH host is an sshd on
 * 127.0.0.1, so the processes it starts can be checked from here by pid.
 */
abstract class HostContract {

    static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    abstract Host host();

    @Test
    void startedProcessHasItsRealPidAndItsOutputInTheLog() {
        Path log = dir.resolve("p.log");
        HostProcess p = host().start(List.of("sh", "-c", "echo started-$0 >&2; exec sleep 60", "x y"), log.toString()).block(T);
        try {
            assertThat(p.isAlive()).isTrue();
            StepVerifier.create(p.outputTail().repeat().filter(t -> t.contains("started")).next())
                    .assertNext(t -> assertThat(t).isEqualTo("started-x y"))
                    .expectComplete()
                    .verify(T);
            // the pid is the program's own: once the shell has exec'd, it is sleep
            assertThat(Fixtures.await(T, () -> ProcessHandle.of(p.pid())
                    .flatMap(h -> h.info().command()).orElse("").endsWith("sleep"))).isTrue();
        } finally {
            p.kill().block(T);
        }
        StepVerifier.create(p.onExit()).expectNext(137).expectComplete().verify(T);
        assertThat(p.isAlive()).isFalse();
        assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void exitStatusOfAProcessThatEndsByItself() {
        HostProcess p = host().start(List.of("sh", "-c", "exit 3"), dir.resolve("e.log").toString()).block(T);
        StepVerifier.create(p.onExit()).expectNext(3).expectComplete().verify(T);
    }

    @Test
    void terminateSendsSigterm() {
        HostProcess p = host().start(List.of("sleep", "60"), dir.resolve("t.log").toString()).block(T);
        p.terminate().block(T);
        StepVerifier.create(p.onExit()).expectNext(143).expectComplete().verify(T);
    }

    @Test
    void startingAMissingProgramFailsNamingIt() {
        StepVerifier.create(host().start(List.of("qemu-system-missing", "-version"), dir.resolve("m.log").toString())
                        .flatMap(HostProcess::onExit))
                // local hosts refuse at once; an SSH host's shell reports 127 when exec fails
                .expectNextMatches(code -> code == 127)
                .expectComplete()
                .verify(T);
    }

    @Test
    void isReadableTellsAnExistingFileFromAMissingOne() throws Exception {
        Path file = Files.writeString(dir.resolve("kernel with space"), "x");
        StepVerifier.create(host().isReadable(file.toString())).expectNext(true).verifyComplete();
        StepVerifier.create(host().isReadable(dir.resolve("missing").toString())).expectNext(false).verifyComplete();
    }

    @Test
    void privateFoldersAreMode0700AndDeletedWithContents() throws Exception {
        Path run = dir.resolve("runs/vm1");
        host().createPrivateFolder(run.toString()).block(T);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(run))).isEqualTo("rwx------");
        Files.writeString(run.resolve("qemu.log"), "x");
        host().deleteFolder(run.toString()).block(T);
        assertThat(run).doesNotExist();
        host().deleteFolder(run.toString()).block(T);
    }

    @Test
    void interactiveProcessAnswersOnItsStdinAndEndsWhenStdinSaysSo() {
        // a tiny console: a prompt without a line end, an echo per line, "quit" ends it
        String console = "printf 'ready> '; while read -r l; do [ \"$l\" = quit ] && exit 4; printf 'got %s\\n> ' \"$l\"; done";
        InteractiveProcess p = host().startInteractive(List.of("sh", "-c", console)).block(T);
        try {
            assertThat(p.pid()).isPositive();
            StringBuilder seen = new StringBuilder();
            reactor.core.publisher.Flux<String> out = p.output().doOnNext(seen::append).cache();
            StepVerifier.create(out.filter(x -> seen.toString().contains("ready> ")).next().then(p.write("hello world\n"))
                            .then(out.filter(x -> seen.toString().contains("got hello world\n> ")).next()))
                    .expectNextCount(1)
                    .expectComplete()
                    .verify(T);
            p.write("quit\n").block(T);
            StepVerifier.create(p.onExit()).expectNext(4).expectComplete().verify(T);
            StepVerifier.create(out.then()).expectComplete().verify(T);
            assertThat(p.outputTail().block(T)).contains("got hello world");
        } finally {
            p.kill().block(T);
        }
    }

    @Test
    void interactiveProcessIsKilledByItsExactPid() {
        InteractiveProcess p = host().startInteractive(List.of("sh", "-c", "echo up; exec sleep 60")).block(T);
        StepVerifier.create(p.output().filter(x -> x.contains("up")).next()).expectNextCount(1).expectComplete().verify(T);
        assertThat(Fixtures.await(T, () -> ProcessHandle.of(p.pid())
                .flatMap(h -> h.info().command()).orElse("").endsWith("sleep"))).isTrue();
        p.kill().block(T);
        StepVerifier.create(p.onExit()).expectNext(137).expectComplete().verify(T);
        assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
}
