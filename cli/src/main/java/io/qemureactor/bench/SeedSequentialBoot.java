package io.qemureactor.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's algorithm ({@code QemuUtils.qemu_start} called VM after VM, each waiting in
 * {@code _wait_until_kernelvm_boot}): start VM i with its console in a log file, then loop: read the
 * file's last line ({@code tail -1}), sleep 1 s, stop if that line held the marker (at most 60
 * tries); only then start VM i+1. Done here in-process, without the ssh, sudo and {@code tail}
 * processes the seed paid for on each poll, so this is a little faster than the seed really was.
 */
final class SeedSequentialBoot {

    static final long POLL_MILLIS = 1_000;
    static final int RETRIES = 60;

    private final BootGuests guests;

    SeedSequentialBoot(BootGuests guests) {
        this.guests = guests;
    }

    /** Boots {@code n} guests one after another; returns the wall time in nanoseconds. Every QEMU is killed by pid. */
    long boot(int n) throws Exception {
        Path base = BootGuests.tempBase("qrb-seed");
        List<Process> processes = new ArrayList<>();
        String marker = guests.marker();
        try {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Path dir = Files.createDirectory(base.resolve("vm" + (i + 1)));
                Path log = dir.resolve("console.log");
                Process p = new ProcessBuilder(guests.logFileConsoleArgv(i + 1, dir, log))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("qemu.log").toFile())
                        .start();
                processes.add(p);
                boolean booted = false;
                for (int attempt = 0; attempt < RETRIES && !booted; attempt++) {
                    String last = lastLine(log);
                    Thread.sleep(POLL_MILLIS);
                    booted = last.contains(marker);
                    if (!p.isAlive()) {
                        throw new IOException("seed: vm" + (i + 1) + "'s QEMU exited: "
                                + RawGuestLauncher.readQuietly(dir.resolve("qemu.log")));
                    }
                }
                if (!booted) {
                    throw new IOException("seed: vm" + (i + 1) + " did not print the marker in " + RETRIES + " polls");
                }
            }
            return System.nanoTime() - start;
        } finally {
            processes.forEach(BootGuests::kill);
            BootGuests.deleteTree(base);
        }
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
