package io.qemureactor.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The seed's algorithm, standing for "the seed's way to boot N VMs" ({@code QemuUtils.qemu_start} called VM
 * after VM, each waiting in {@code _wait_until_kernelvm_boot}): start VM i with its console in a log file, then
 * loop: read the file's last line ({@code tail -1}), sleep 1 s, stop if that line held the marker (at most 60
 * tries); only then start VM i+1. The seed's sleep is reproduced on purpose, as a {@code Mono.delay} of the same
 * period after each read (nothing blocks a thread for it). Done here in-process, without the ssh, sudo and
 * {@code tail} processes the seed paid for on each poll, so this is a little faster than the seed really was.
 */
final class SeedSequentialBoot {

    static final Duration POLL = Duration.ofSeconds(1);
    static final int RETRIES = 60;

    private final BootGuests guests;
    private final Teardown teardown;

    SeedSequentialBoot(BootGuests guests, Teardown teardown) {
        this.guests = guests;
        this.teardown = teardown;
    }

    /** Boots {@code n} guests one after another; emits the wall time in nanoseconds once every QEMU is killed by pid. */
    Mono<Long> boot(int n) {
        return teardown.using(StartedProcesses.in("qrb-seed"), run -> Mono.defer(() -> {
            long start = System.nanoTime();
            return Flux.range(1, n)
                    .concatMap(id -> bootOne(run, id))
                    .then(Mono.fromCallable(() -> System.nanoTime() - start));
        }), StartedProcesses::close, "seed boot of " + n);
    }

    /** Starts VM {@code id}, then polls its console log's last line every {@link #POLL} until the marker. */
    private Mono<Void> bootOne(StartedProcesses run, int id) {
        String marker = guests.marker();
        Path dir = run.base().resolve("vm" + id);
        Path log = dir.resolve("console.log");
        return BlockingIo.call(() -> {
            Files.createDirectory(dir);
            return run.start(new ProcessBuilder(guests.logFileConsoleArgv(id, dir, log))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile()));
        }).flatMap(p -> {
            // one try: read the last line, sleep 1 s, then look at what was read (the seed's order)
            Mono<Boolean> attempt = BlockingIo.call(() -> lastLine(log))
                    .delayElement(POLL)
                    .map(last -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("seed: vm" + id + "'s QEMU exited: "
                                    + RawGuestLauncher.readQuietly(dir.resolve("qemu.log")));
                        }
                        return last.contains(marker);
                    });
            return attempt.repeat(RETRIES - 1)
                    .takeUntil(booted -> booted)
                    .last(false)
                    .flatMap(booted -> booted ? Mono.<Void>empty()
                            : Mono.error(new IllegalStateException("seed: vm" + id + " did not print the marker in "
                                    + RETRIES + " polls")));
        });
    }

    /** What {@code tail -1} prints: the file's last non-empty line, or "" when there is none yet. */
    static String lastLine(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - 4096);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\\R");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    return lines[i];
                }
            }
            return "";
        }
    }
}
