package io.qemureactor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** Small things every real-peer fixture needs: waiting, killing by pid, cleaning up folders. */
public final class Fixtures {

    private Fixtures() {
    }

    /** Test-side pause (fixtures may block; main code never does). */
    public static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} passes; returns whether it held. */
    public static boolean await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            pause(Duration.ofMillis(20));
        }
        return condition.getAsBoolean();
    }

    /** SIGTERM, then SIGKILL after two seconds; waits until the process is gone. Never by name. */
    public static void killAndWait(Process process) {
        if (process == null) {
            return;
        }
        killAndWait(process.toHandle());
    }

    /** As {@link #killAndWait(Process)}, for a process known by its handle (for example a daemon's pid). */
    public static void killAndWait(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(2, TimeUnit.SECONDS);
        } catch (Exception stillAlive) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + handle.pid() + " survived SIGKILL", e);
            }
        }
    }

    /** Deletes a folder and all it holds; a folder already gone is fine. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
