package io.qemureactor.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The limit of {@code bench boot}: N guests started at once by the simplest means there is, no
 * engine. Each QEMU is started with {@link ProcessBuilder} (the engine's argv, console on stdout)
 * and one plain Java thread per VM reads its stdout line by line until the marker. The wall time
 * runs from the first start to the last marker line read.
 */
final class RawGuestLauncher {

    private static final long TIMEOUT_SECONDS = 300;

    private final BootGuests guests;

    RawGuestLauncher(BootGuests guests) {
        this.guests = guests;
    }

    /** Boots {@code n} guests in parallel; returns the wall time in nanoseconds. Every QEMU is killed by pid before it returns. */
    long boot(int n) throws Exception {
        Path base = BootGuests.tempBase("qrb-raw");
        List<Process> processes = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        AtomicLongArray markerAt = new AtomicLongArray(n);
        CountDownLatch ready = new CountDownLatch(n);
        String marker = guests.marker();
        try {
            List<List<String>> argvs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path dir = Files.createDirectory(base.resolve("vm" + (i + 1)));
                argvs.add(guests.stdioConsoleArgv(i + 1, dir));
            }
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Path dir = base.resolve("vm" + (i + 1));
                Process p = new ProcessBuilder(argvs.get(i))
                        .redirectError(dir.resolve("qemu.log").toFile())
                        .start();
                processes.add(p);
                int index = i;
                Thread reader = new Thread(() -> readUntil(p, marker, index, markerAt, ready), "raw-console-" + (i + 1));
                reader.setDaemon(true);
                reader.start();
                readers.add(reader);
            }
            if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("raw: " + ready.getCount() + " of " + n + " guests did not print the marker within "
                        + TIMEOUT_SECONDS + " s");
            }
            long last = 0;
            for (int i = 0; i < n; i++) {
                if (markerAt.get(i) < 0) {
                    throw new IOException("raw: vm" + (i + 1) + "'s QEMU ended before the marker: "
                            + readQuietly(base.resolve("vm" + (i + 1)).resolve("qemu.log")));
                }
                last = Math.max(last, markerAt.get(i));
            }
            return last - start;
        } finally {
            processes.forEach(BootGuests::kill);
            for (Thread t : readers) {
                t.join(5_000);
            }
            BootGuests.deleteTree(base);
        }
    }

    private static void readUntil(Process p, String marker, int index, AtomicLongArray markerAt, CountDownLatch ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.contains(marker)) {
                    markerAt.set(index, System.nanoTime());
                    return;
                }
            }
            markerAt.set(index, -1);
        } catch (IOException e) {
            markerAt.set(index, -1);
        } finally {
            ready.countDown();
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
