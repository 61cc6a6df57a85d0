package io.qemureactor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@code qemu-system-x86_64 -machine none} with one QMP socket in a private temp folder, for
 * benchmarks: the cheapest real QEMU there is. Killed by pid on close, its folder removed.
 */
final class ScratchQemu implements AutoCloseable {

    private final Process process;
    private final Path dir;
    private final Path qmpSocket;

    private ScratchQemu(Process process, Path dir, Path qmpSocket) {
        this.process = process;
        this.dir = dir;
        this.qmpSocket = qmpSocket;
    }

    static ScratchQemu start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("qr-bench");
        Path socket = dir.resolve("qmp.sock");
        Process p = new ProcessBuilder(ScaleBenchmark.argv(dir))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile())
                .start();
        ScratchQemu qemu = new ScratchQemu(p, dir, socket);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                qemu.close();
                throw new IOException("QEMU did not create " + socket + ": " + Files.readString(dir.resolve("qemu.log")).strip());
            }
            Thread.sleep(5);
        }
        return qemu;
    }

    Path qmpSocket() {
        return qmpSocket;
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BootGuests.deleteTree(dir);
    }
}
