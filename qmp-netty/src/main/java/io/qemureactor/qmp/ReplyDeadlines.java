package io.qemureactor.qmp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * Reply timeouts of one connection, with one armed timer per connection instead of one per
 * command (the lettuce / HashedWheelTimer idea, without the wheel).
 *
 * <p>A per-command {@code Mono.timeout} schedules and cancels a task on
 * {@code Schedulers.parallel()} for every command; each schedule into the then-empty delay
 * queue wakes a parallel worker thread, a context switch per round trip. Here each command
 * only records its deadline; a single sweep task, armed for the earliest deadline not yet
 * covered, fails the expired commands and re-arms for the next. With the usual 30 s timeout
 * and replies in microseconds, the timer is armed once per 30 s however many commands run.
 *
 * <p>Time comes from the scheduler a command was issued with ({@code Schedulers.parallel()},
 * looked up when the command is assembled, as {@code Mono.timeout} did), so
 * {@code StepVerifier.withVirtualTime} still drives the timeouts. For a scheduler on the real
 * clock, deadlines use {@link System#nanoTime()} (monotonic) rather than
 * {@link Scheduler#now(TimeUnit)} (wall clock). Commands issued with different schedulers get
 * different sweepers; each sweeper only expires its own commands.
 */
final class ReplyDeadlines {

    /** A scheduler whose clock is this close to the wall clock is taken to run in real time. */
    private static final long REAL_TIME_TOLERANCE_MILLIS = TimeUnit.HOURS.toMillis(1);

    private final Map<Long, PendingCommand> pending;
    private final Consumer<PendingCommand> onExpired;
    private volatile Sweeper current;

    /**
     * @param pending the connection's pending commands (the sweep removes expired ones)
     * @param onExpired fails one expired command; called after it was removed, outside any lock
     */
    ReplyDeadlines(Map<Long, PendingCommand> pending, Consumer<PendingCommand> onExpired) {
        this.pending = pending;
        this.onExpired = onExpired;
    }

    /** The sweeper for commands issued with {@code timer}. */
    Sweeper sweeper(Scheduler timer) {
        Sweeper s = current;
        if (s == null || s.scheduler != timer) {
            s = new Sweeper(timer);
            current = s;
        }
        return s;
    }

    /** Cancels the armed sweeps; call once the connection closed and its pending map was drained. */
    void dispose() {
        Sweeper s = current;
        if (s != null) {
            s.dispose();
        }
    }

    static long toNanosSaturated(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? 0 : Long.MAX_VALUE;
        }
    }

    /** One scheduler's timer: armed at most once, for the earliest deadline it must check. */
    final class Sweeper implements Runnable {

        final Scheduler scheduler;
        private final boolean realTime;
        private long armedFor = Long.MAX_VALUE; // guarded by this
        private Disposable task; // guarded by this

        private Sweeper(Scheduler scheduler) {
            this.scheduler = scheduler;
            long drift = scheduler.now(TimeUnit.MILLISECONDS) - System.currentTimeMillis();
            this.realTime = Math.abs(drift) < REAL_TIME_TOLERANCE_MILLIS;
        }

        long now() {
            return realTime ? System.nanoTime() : scheduler.now(TimeUnit.NANOSECONDS);
        }

        /** The deadline of a command issued now with {@code timeout}. */
        long deadline(Duration timeout) {
            long now = now();
            long nanos = toNanosSaturated(timeout);
            return nanos > Long.MAX_VALUE - Math.max(0, now) ? Long.MAX_VALUE : now + nanos;
        }

        /**
         * Makes sure a sweep runs no later than {@code deadline}. Call after the command is in the
         * pending map. May throw what the scheduler throws (e.g. when it was disposed).
         */
        synchronized void arm(long deadline) {
            if (deadline >= armedFor || deadline == Long.MAX_VALUE) {
                return; // an earlier sweep re-arms for it; or no timeout at all
            }
            long delay = Math.max(0, deadline - now());
            Disposable next = scheduler.schedule(this, delay, TimeUnit.NANOSECONDS);
            Disposable previous = task;
            task = next;
            armedFor = deadline;
            if (previous != null) {
                previous.dispose();
            }
        }

        /** Cancels the armed sweep, if any, so a closed connection leaves no timer task behind. */
        synchronized void dispose() {
            Disposable armed = task;
            task = null;
            armedFor = Long.MIN_VALUE; // never arm again
            if (armed != null) {
                armed.dispose();
            }
        }

        @Override
        public void run() {
            List<PendingCommand> expired = null;
            synchronized (this) {
                if (armedFor == Long.MIN_VALUE) {
                    return; // disposed
                }
                armedFor = Long.MAX_VALUE;
                task = null;
                long now = now();
                long next = Long.MAX_VALUE;
                for (PendingCommand entry : pending.values()) {
                    if (entry.sweeper != this) {
                        continue;
                    }
                    if (entry.deadline <= now) {
                        if (pending.remove(entry.id, entry)) {
                            if (expired == null) {
                                expired = new ArrayList<>();
                            }
                            expired.add(entry);
                        }
                    } else if (entry.deadline < next) {
                        next = entry.deadline;
                    }
                }
                if (next != Long.MAX_VALUE && !scheduler.isDisposed()) {
                    arm(next);
                }
            }
            if (expired != null) {
                for (PendingCommand entry : expired) {
                    onExpired.accept(entry);
                }
            }
        }
    }
}
