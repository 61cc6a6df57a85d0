package io.qemureactor.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A program started for a test in its own private folder (its socket, state and log live
 * there), known by pid, and gone without a trace after {@link #close()}: killed by pid
 * (never by name: other people's QEMUs run on the same machine) and its folder deleted.
 */
public class PeerProcess implements AutoCloseable {

    private final String name;
    private final Path directory;
    private final Process process;
    private final Path log;

    protected PeerProcess(String name, Path directory, List<String> command) throws IOException {
        this.name = name;
        this.directory = directory;
        this.log = directory.resolve(name + ".log");
        this.process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    /** A fresh private folder under the system temp dir (short, for the 107-byte socket path limit). */
    protected static Path newDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir", "/tmp")), prefix);
    }

    /**
     * Waits (bounded) until {@code socket} exists; fails with the program's log if it exits
     * first or the time runs out. The fixture kills the process before throwing.
     */
    protected void awaitSocket(Path socket, Duration timeout) {
        boolean appeared = Fixtures.await(timeout, () -> Files.exists(socket) || !process.isAlive());
        if (!appeared || !Files.exists(socket)) {
            String why = process.isAlive() ? "did not create " + socket + " within " + timeout
                    : "exited with code " + process.exitValue() + " before creating " + socket;
            String tail = logTail();
            close();
            throw new IllegalStateException(name + " " + why + "; log:\n" + tail);
        }
    }

    /** The program's private folder. */
    public Path directory() {
        return directory;
    }

    /** The program's pid. */
    public long pid() {
        return process.pid();
    }

    /** The process, e.g. for {@code PeerLiveness.ofProcess(p.process().toHandle())}. */
    public Process process() {
        return process;
    }

    /** True while the program runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the program (SIGSTOP): it stops answering but keeps its sockets open. */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes a frozen program (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    /** SIGKILL by pid, and waits until it is gone. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(10));
    }

    /** Waits for the program to exit on its own; true if it did. */
    public boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sends a signal by pid ({@code kill -SIG PID}). */
    public void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The last 40 lines the program wrote. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills the program if it still runs (a frozen one too), waits for it, deletes the folder. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly(); // SIGKILL works on a stopped process too
            waitForExit(Duration.ofSeconds(10));
        }
        Fixtures.deleteTree(directory);
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + ", " + directory + "]";
    }
}
