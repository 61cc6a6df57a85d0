package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** docs/lifecycle.md's reaper example, verbatim (DocSnippetsTest checks the text), with a step that fails. */
class ReaperDocSnippetIT {

    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void aFailingStepStillStopsTheProcessRemovesItsFolderAndForgetsTheEntry(@TempDir Path dir) {
        Host host = LocalHost.instance();
        String folder = dir.resolve("helper").toString();
        List<String> argv = List.of("sleep", "600");
        AtomicLong pid = new AtomicLong();
        Function<HostProcess, Mono<Void>> work = process -> {
            pid.set(process.pid());
            return Mono.error(new IllegalStateException("the step failed"));
        };

        assertThatThrownBy(() -> owned(host, folder, argv, work).block(T)).hasMessageContaining("the step failed");

        assertThat(pid.get()).isPositive();
        assertThat(ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive)).as("the process is gone").isEmpty();
        assertThat(Path.of(folder)).doesNotExist();
        assertThat(host.reaper().size()).as("nothing left for the reaper").isZero();
    }

    private static Mono<Void> owned(Host host, String folder, List<String> argv, Function<HostProcess, Mono<Void>> work) {
        Reaper reaper = host.reaper();                                         // LocalHost, SshHost; Reaper.none() otherwise
        Mono<Void> owned = host.createPrivateFolder(folder)
                .then(reaper.trackFolder(folder))                              // before the process starts
                .flatMap(entry -> Mono.usingWhen(
                        host.start(argv, folder + "/out.log"),
                        process -> entry.addProcess(process.pid())             // once its pid is known
                                .then(work.apply(process)),                    // your use of the process
                        process -> process.kill().then(process.onExit())       // stopped and reaped, whatever work did
                                .then(host.deleteFolder(folder))
                                .then(entry.forget())));                       // nothing left to reap (detach: forget() alone)
        return owned;
    }
}
