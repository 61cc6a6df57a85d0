package io.qemureactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@code qemu-system-x86_64 -machine none} with one QMP socket in a private temp folder, for
 * benchmarks: the cheapest real QEMU there is. Killed by pid on {@link #stop()}, its folder removed.
 */
final class ScratchQemu {

    private static final Duration SOCKET_POLL = Duration.ofMillis(5);
    private static final Duration SOCKET_BOUND = Duration.ofSeconds(30);

    private final Process process;
    private final Path dir;
    private final Path qmpSocket;

    private ScratchQemu(Process process, Path dir, Path qmpSocket) {
        this.process = process;
        this.dir = dir;
        this.qmpSocket = qmpSocket;
    }

    /** Starts QEMU, when subscribed; its monitor socket may not exist yet ({@link #awaitSocket()}). */
    static Mono<ScratchQemu> start() {
        return BlockingIo.call(() -> {
            Path dir = Files.createTempDirectory("qr-bench");
            Process p = new ProcessBuilder(ScaleBenchmark.argv(dir))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile())
                    .start();
            return new ScratchQemu(p, dir, dir.resolve("qmp.sock"));
        });
    }

    /** Emits the monitor's socket once QEMU has created it (looked for every 5 ms); fails if QEMU ends first. */
    Mono<Path> awaitSocket() {
        return Flux.interval(Duration.ZERO, SOCKET_POLL)
                .filter(tick -> Files.exists(qmpSocket) || !process.isAlive())
                .next()
                .timeout(SOCKET_BOUND)
                .onErrorMap(java.util.concurrent.TimeoutException.class, e -> failure())
                .flatMap(tick -> Files.exists(qmpSocket) ? Mono.just(qmpSocket) : Mono.error(failure()));
    }

    private IOException failure() {
        return new IOException("QEMU did not create " + qmpSocket + ": " + RawGuestLauncher.readQuietly(dir.resolve("qemu.log")));
    }

    /** Kills QEMU by pid, awaits its exit, removes its folder. */
    Mono<Void> stop() {
        return BootGuests.kill(process).then(BlockingIo.run(() -> BootGuests.deleteTree(dir)));
    }
}
