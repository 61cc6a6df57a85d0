package io.qemureactor.core.junit;

import io.qemureactor.console.SerialConsole;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import reactor.core.Disposable;

/**
 * The console lines a VM prints while one test runs, the last {@code limit} of them. A console
 * replays its recent history to a new subscriber: those lines came before the test and are skipped.
 */
final class ConsoleRecorder implements AutoCloseable {

    private final int limit;
    private final Deque<String> lines = new ArrayDeque<>();
    private final Disposable subscription;
    private long seen;

    ConsoleRecorder(SerialConsole console, int limit) {
        this.limit = limit;
        long replayed = console.tail(SerialConsole.HISTORY).size();
        this.subscription = console.lines().skip(replayed).subscribe(this::add, e -> { });
    }

    private synchronized void add(String line) {
        seen++;
        lines.addLast(line);
        if (lines.size() > limit) {
            lines.removeFirst();
        }
    }

    /** How many lines the VM printed since the recorder started. */
    synchronized long seen() {
        return seen;
    }

    /** The last lines printed since the recorder started, oldest first. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
