package io.qemureactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;

/**
 * The limit of {@code bench boot}, standing for "N guests booted in parallel without our engine": N QEMUs
 * started at once by the simplest means there is, {@link ProcessBuilder} with the engine's argv, each serial
 * console on a unix socket QEMU listens on, and all consoles read by one thread ({@link RawConsoles}: one NIO
 * selector, a bounded-elastic worker) until each has printed the marker. No thread per VM. The wall time runs
 * from the first start to the last marker line read.
 */
final class RawGuestLauncher {

    private static final long TIMEOUT_SECONDS = 300;

    private final BootGuests guests;
    private final Teardown teardown;

    RawGuestLauncher(BootGuests guests, Teardown teardown) {
        this.guests = guests;
        this.teardown = teardown;
    }

    /** Boots {@code n} guests in parallel; emits the wall time in nanoseconds once every QEMU is killed by pid and reaped. */
    Mono<Long> boot(int n) {
        return teardown.using(StartedProcesses.in("qrb-raw"), run -> BlockingIo.call(() -> bootAll(run, n)),
                StartedProcesses::close, "raw boot of " + n);
    }

    private long bootAll(StartedProcesses run, int n) throws IOException {
        List<List<String>> argvs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path dir = Files.createDirectory(run.base().resolve("vm" + (i + 1)));
            argvs.add(guests.socketConsoleArgv(i + 1, dir, dir.resolve("raw-console.sock")));
        }
        try (RawConsoles consoles = new RawConsoles(guests.marker())) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Path dir = run.base().resolve("vm" + (i + 1));
                Process p = run.start(new ProcessBuilder(argvs.get(i))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("qemu.log").toFile()));
                consoles.add(i, dir.resolve("raw-console.sock"), p, dir.resolve("qemu.log"));
            }
            long last = consoles.awaitMarkers(start + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS), run::isClosed);
            return last - start;
        }
    }

    static String readQuietly(Path file) {
        try {
            String s = Files.readString(file).strip();
            return s.length() > 500 ? s.substring(s.length() - 500) : s;
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
