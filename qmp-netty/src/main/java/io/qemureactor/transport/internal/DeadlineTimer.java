package io.qemureactor.transport.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;

/**
 * One timer for the deadlines of every connection on a {@link io.qemureactor.transport.QmpResources}: reply timeouts,
 * connect timeouts, the QGA exec bound. The lettuce / HashedWheelTimer idea, without the wheel.
 *
 * <p>Why not {@code Mono.timeout}: it schedules a task on {@code Schedulers.parallel()} for
 * every operation and cancels it when the reply comes. Each schedule into an idle delay queue
 * wakes a worker thread, a context switch per round trip and two per connect, on machines
 * that have two cores. Here a deadline is an entry in a sorted set, and one scheduler task is
 * armed for the earliest entry only. Timeouts are long (seconds) and replies short
 * (microseconds), so new deadlines almost always fall after the armed one and arm nothing:
 * the scheduler sees one task per timeout period, however many operations run.
 *
 * <p>A deadline is removed when its operation ends; whoever removes it first (the operation or
 * the sweep) wins, so an operation either completes or times out, never both.
 *
 * <p>Time comes from the scheduler ({@code Schedulers.parallel()} by default, looked up by
 * {@code QmpResources} when an operation starts), so {@code StepVerifier.withVirtualTime}
 * drives timeouts in tests. For a scheduler on the real clock, deadlines use the monotonic
 * {@link System#nanoTime()} rather than the scheduler's wall clock.
 */
public final class DeadlineTimer implements Disposable {

    /** A scheduler whose clock is this close to the wall clock is taken to run in real time. */
    private static final long REAL_TIME_TOLERANCE_MILLIS = TimeUnit.HOURS.toMillis(1);
    private static final long DISPOSED = Long.MIN_VALUE;

    private final Scheduler scheduler;
    private final boolean realTime;
    private final ConcurrentSkipListSet<Deadline> deadlines = new ConcurrentSkipListSet<>();
    private final AtomicLong sequence = new AtomicLong();
    /** The deadline the armed sweep runs at; MAX_VALUE when none is armed. Written under this. */
    private volatile long armedFor = Long.MAX_VALUE;
    private Disposable armed; // guarded by this

    /** A timer whose sweeps run on {@code scheduler} (which it does not own). */
    public DeadlineTimer(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        long drift = scheduler.now(TimeUnit.MILLISECONDS) - System.currentTimeMillis();
        this.realTime = Math.abs(drift) < REAL_TIME_TOLERANCE_MILLIS;
    }

    /** The scheduler the sweeps run on. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Runs {@code task} once {@code delay} has passed, on the scheduler's thread, unless the
     * returned handle is disposed first. {@code task} must be short and must not block.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler or this timer was disposed
     */
    public Disposable schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        if (isDisposed()) {
            throw new RejectedExecutionException("the deadline timer was disposed");
        }
        Deadline deadline = new Deadline(deadlineAfter(delay), sequence.incrementAndGet(), task);
        if (deadline.at == Long.MAX_VALUE) {
            return deadline; // "forever": nothing to arm (Duration.ofSeconds(Long.MAX_VALUE) and the like)
        }
        deadlines.add(deadline);
        if (deadline.at < armedFor) {
            try {
                arm(deadline.at);
            } catch (RuntimeException e) {
                deadlines.remove(deadline);
                throw e;
            }
        }
        return deadline;
    }

    /**
     * {@code source}, failed with {@code error} if it has not produced its result within
     * {@code timeout} (the source is then cancelled). {@code discard} receives a value the
     * source produced after it lost that race, so that a connection it opened is not leaked.
     */
    public <T> Mono<T> timeout(Mono<T> source, Duration timeout, Supplier<? extends Throwable> error,
            Consumer<? super T> discard) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(discard, "discard");
        return Mono.create(sink -> {
            Race<T> race = new Race<>(sink, discard);
            try {
                race.deadline = schedule(timeout, () -> race.expire(error));
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            sink.onDispose(race::cancel);
            source.subscribe(race);
        });
    }

    /** Drops every deadline without running it and cancels the armed sweep. Idempotent. */
    @Override
    public void dispose() {
        synchronized (this) {
            armedFor = DISPOSED;
            if (armed != null) {
                armed.dispose();
                armed = null;
            }
        }
        deadlines.clear();
    }

    @Override
    public boolean isDisposed() {
        return armedFor == DISPOSED;
    }

    /** Deadlines not yet run or disposed (for tests and diagnostics). */
    int size() {
        return deadlines.size();
    }

    private long now() {
        return realTime ? System.nanoTime() : scheduler.now(TimeUnit.NANOSECONDS);
    }

    private long deadlineAfter(Duration delay) {
        long nanos;
        try {
            nanos = Math.max(0, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = delay.isNegative() ? 0 : Long.MAX_VALUE;
        }
        long now = now();
        return nanos > Long.MAX_VALUE - Math.max(0, now) ? Long.MAX_VALUE : now + nanos;
    }

    /** Makes sure a sweep runs no later than {@code at}. */
    private synchronized void arm(long at) {
        if (armedFor == DISPOSED) {
            throw new RejectedExecutionException("the deadline timer was disposed");
        }
        if (at >= armedFor) {
            return; // an earlier sweep re-arms for it
        }
        Disposable next = scheduler.schedule(this::sweep, Math.max(0, at - now()), TimeUnit.NANOSECONDS);
        Disposable previous = armed;
        armed = next;
        armedFor = at;
        if (previous != null) {
            previous.dispose();
        }
    }

    /**
     * Runs the expired deadlines and re-arms for the earliest one left. The armed mark is reset
     * before the set is read, so a deadline added concurrently is either seen here or arms itself.
     */
    private void sweep() {
        synchronized (this) {
            if (armedFor == DISPOSED) {
                return;
            }
            armedFor = Long.MAX_VALUE;
            armed = null;
        }
        long now = now();
        List<Deadline> expired = new ArrayList<>();
        for (Deadline d : deadlines) {
            if (d.at > now) {
                break;
            }
            if (deadlines.remove(d)) {
                expired.add(d);
            }
        }
        Deadline earliest = firstOrNull();
        if (earliest != null && !scheduler.isDisposed()) {
            try {
                arm(earliest.at);
            } catch (RuntimeException disposedMeanwhile) {
                // nothing will run the rest: the timer or its scheduler is gone
            }
        }
        for (Deadline d : expired) {
            d.task.run();
        }
    }

    private Deadline firstOrNull() {
        try {
            return deadlines.first();
        } catch (NoSuchElementException empty) {
            return null;
        }
    }

    /**
     * The source's result against the deadline: the first of the two wins. Unlike a lambda
     * subscriber, a value that arrives after the cancel is handed to {@code discard}, not dropped.
     */
    private static final class Race<T> implements CoreSubscriber<T> {

        private static final Subscription CANCELLED = Operators.cancelledSubscription();

        private final MonoSink<T> sink;
        private final Consumer<? super T> discard;
        private final AtomicBoolean decided = new AtomicBoolean();
        private final AtomicReference<Subscription> upstream = new AtomicReference<>();
        volatile Disposable deadline;

        Race(MonoSink<T> sink, Consumer<? super T> discard) {
            this.sink = sink;
            this.discard = discard;
        }

        @Override
        public Context currentContext() {
            return Context.of(sink.contextView());
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (upstream.compareAndSet(null, s)) {
                s.request(Long.MAX_VALUE);
            } else {
                s.cancel();
            }
        }

        @Override
        public void onNext(T value) {
            // a Mono's value is its result: the source is done, and cancelling it now would run
            // its cancel hooks (a handshake's "close the channel on cancel") on a live session
            upstream.set(CANCELLED);
            if (decided.compareAndSet(false, true)) {
                deadline.dispose();
                sink.success(value);
            } else {
                discard.accept(value);
            }
        }

        @Override
        public void onError(Throwable e) {
            upstream.set(CANCELLED);
            if (decided.compareAndSet(false, true)) {
                deadline.dispose();
                sink.error(e);
            } else {
                Operators.onErrorDropped(e, currentContext());
            }
        }

        @Override
        public void onComplete() {
            upstream.set(CANCELLED);
            if (decided.compareAndSet(false, true)) {
                deadline.dispose();
                sink.success();
            }
        }

        void expire(Supplier<? extends Throwable> error) {
            if (decided.compareAndSet(false, true)) {
                cancelUpstream();
                sink.error(error.get());
            }
        }

        /** The subscriber went away, or the result was delivered. */
        void cancel() {
            deadline.dispose();
            cancelUpstream();
        }

        private void cancelUpstream() {
            Subscription s = upstream.getAndSet(CANCELLED);
            if (s != null && s != CANCELLED) {
                s.cancel();
            }
        }
    }

    /** One pending deadline; disposing it removes it (the task will not run). */
    private final class Deadline implements Comparable<Deadline>, Disposable {

        final long at;
        final long seq;
        final Runnable task;

        Deadline(long at, long seq, Runnable task) {
            this.at = at;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Deadline o) {
            int byTime = Long.compare(at, o.at);
            return byTime != 0 ? byTime : Long.compare(seq, o.seq);
        }

        @Override
        public void dispose() {
            deadlines.remove(this);
        }

        @Override
        public boolean isDisposed() {
            return !deadlines.contains(this);
        }
    }
}
