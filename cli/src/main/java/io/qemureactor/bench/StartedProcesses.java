package io.qemureactor.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The QEMUs a baseline starts itself with {@link ProcessBuilder} (no engine), in one temp folder: {@link #close()}
 * kills every one by pid, awaits its exit ({@link Process#onExit()}) and removes the folder. A start that
 * comes after the close (a cancelled round whose worker was still starting VMs) is refused, so none escapes.
 */
final class StartedProcesses {

    private final Path base;
    private final List<Process> processes = new ArrayList<>();
    private boolean closed;

    private StartedProcesses(Path base) {
        this.base = base;
    }

    /** A new temp folder {@code /tmp/PREFIX...}, when subscribed. */
    static Mono<StartedProcesses> in(String prefix) {
        return BlockingIo.call(() -> new StartedProcesses(BootGuests.tempBase(prefix)));
    }

    Path base() {
        return base;
    }

    /** Starts {@code builder}'s process and keeps it to be killed; refused once closed. */
    synchronized Process start(ProcessBuilder builder) throws IOException {
        if (closed) {
            throw new CancellationException("the round is over: " + base + " is being removed");
        }
        Process p = builder.start();
        processes.add(p);
        return p;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Kills every process by pid (SIGKILL), awaits the exits, then removes the folder. */
    Mono<Void> close() {
        List<Process> started;
        synchronized (this) {
            closed = true;
            started = List.copyOf(processes);
        }
        return Flux.fromIterable(started).flatMap(BootGuests::kill).then(BlockingIo.run(() -> BootGuests.deleteTree(base)));
    }
}
