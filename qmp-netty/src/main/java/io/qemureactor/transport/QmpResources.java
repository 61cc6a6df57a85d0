package io.qemureactor.transport;

import io.netty.channel.EventLoopGroup;
import io.qemureactor.transport.internal.DeadlineTimer;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/**
 * The event loops every QMP and QGA connection runs on. One instance serves any number of
 * clients (a fleet of VMs shares a couple of threads; no thread per client).
 *
 * <p>Create one with {@link #create()} and {@link #dispose()} it after the last client
 * closed, or use {@link #shared()}, the process-wide default with daemon threads.
 *
 * <p>Timers: every deadline of every connection (reply, connect, exec timeouts) goes to one
 * timer, which arms one task at a time on a Reactor scheduler. By default that
 * is {@code Schedulers.parallel()} as found when an operation starts, so
 * {@code StepVerifier.withVirtualTime} drives the timeouts in tests; {@link #of(LoopResources,
 * Scheduler)} takes a scheduler of the caller's instead (not disposed with these resources).
 */
public final class QmpResources implements Disposable {

    private static final Object SHARED_LOCK = new Object();
    private static QmpResources shared;

    private final LoopResources loops;
    /** Null: {@code Schedulers.parallel()} as found at each use. */
    private final Scheduler timerScheduler;
    private volatile DeadlineTimer timer;

    private QmpResources(LoopResources loops, Scheduler timerScheduler) {
        this.loops = loops;
        this.timerScheduler = timerScheduler;
    }

    /**
     * New resources with two event-loop threads named {@code qemu-reactor-io-N} (daemon, started
     * on first use). Enough for hundreds of connections: the clients never block a loop.
     *
     * @return the resources; dispose them after the last client closed
     */
    public static QmpResources create() {
        return create("qemu-reactor-io", 2);
    }

    /**
     * New resources with {@code threads} event-loop threads named {@code prefix-N} (daemon).
     *
     * @param prefix the thread name prefix
     * @param threads the number of event-loop threads
     * @return the resources; dispose them after the last client closed
     */
    public static QmpResources create(String prefix, int threads) {
        return new QmpResources(LoopResources.create(prefix, threads, true), null);
    }

    /**
     * Uses loops the caller already has; {@link #dispose()} disposes them. The client
     * always asks for NIO loops ({@code onClient(false)}): the JDK's unix domain sockets
     * need no native library.
     *
     * @param loops reactor-netty loop resources, e.g. shared with other reactor-netty clients
     * @return the resources
     */
    public static QmpResources of(LoopResources loops) {
        return new QmpResources(Objects.requireNonNull(loops, "loops"), null);
    }

    /**
     * Like {@link #of(LoopResources)}, with deadlines swept on {@code timerScheduler}; the
     * caller keeps owning (and disposes) that scheduler.
     *
     * @param loops reactor-netty loop resources
     * @param timerScheduler the scheduler deadlines run on
     * @return the resources
     */
    public static QmpResources of(LoopResources loops, Scheduler timerScheduler) {
        return new QmpResources(Objects.requireNonNull(loops, "loops"),
                Objects.requireNonNull(timerScheduler, "timerScheduler"));
    }

    /**
     * The process-wide default (two daemon threads named {@code qemu-reactor-shared-io-N}), used
     * by options that name no resources. Thread-safe.
     *
     * @return the shared instance, created on first use and anew if it was disposed
     */
    public static QmpResources shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || shared.isDisposed()) {
                shared = create("qemu-reactor-shared-io", 2);
            }
            return shared;
        }
    }

    /**
     * The NIO event loop group connections are registered with, for code that runs its own Netty
     * channels beside the clients.
     *
     * @return the group; owned by these resources
     */
    public EventLoopGroup eventLoops() {
        return loops.onClient(false);
    }

    /**
     * Runs {@code task} once {@code delay} has passed, on the timer's scheduler thread, unless the
     * returned handle is disposed first: a deadline on the shared timer (one armed scheduler task
     * for all of them, not one per call). Call it when the operation starts (inside
     * {@code Mono.defer} or {@code Mono.create}), so that a test's virtual time is the one in force.
     *
     * @param delay how long from now
     * @param task short and non-blocking
     * @return disposing it cancels the task
     * @throws java.util.concurrent.RejectedExecutionException if these resources or the scheduler were disposed
     */
    public Disposable schedule(Duration delay, Runnable task) {
        return timer().schedule(delay, task);
    }

    /**
     * The Reactor scheduler the deadlines run on, as in force now: the one given to
     * {@link #of(LoopResources, Scheduler)}, else {@code Schedulers.parallel()} (a virtual-time
     * scheduler in a {@code StepVerifier.withVirtualTime} test).
     *
     * @return the scheduler; not owned by these resources
     */
    public Scheduler timerScheduler() {
        return timer().scheduler();
    }

    /** The timer for deadlines starting now (looked up at each use: see {@link #schedule}). */
    private DeadlineTimer timer() {
        Scheduler scheduler = timerScheduler != null ? timerScheduler : Schedulers.parallel();
        DeadlineTimer t = timer;
        if (t != null && t.scheduler() == scheduler) {
            return t;
        }
        synchronized (this) {
            t = timer;
            if (t == null || t.scheduler() != scheduler) {
                // a test's virtual-time scheduler came or went: the old timer still runs what it holds
                t = new DeadlineTimer(scheduler);
                if (isDisposed()) {
                    t.dispose();
                }
                timer = t;
            }
            return t;
        }
    }

    /**
     * {@code source}, failed with {@code error} unless it produced its result within
     * {@code timeout} (the source is then cancelled). A deadline on the shared timer, looked up at
     * subscription, so virtual time in tests drives it.
     *
     * @param source the operation
     * @param timeout how long it may take from subscription
     * @param error the error to fail with when time runs out
     * @param discard receives a value the source produced after it lost the race to the deadline,
     *     so that, say, a connection it opened is closed rather than leaked
     * @param <T> the value type
     * @return the bounded operation
     */
    public <T> Mono<T> timeout(Mono<T> source, Duration timeout, Supplier<? extends Throwable> error,
            Consumer<? super T> discard) {
        return Mono.defer(() -> timer().timeout(source, timeout, error, discard));
    }

    /** Shuts the event loops down without waiting, and drops the pending deadlines. */
    @Override
    public void dispose() {
        loops.dispose();
        disposeTimer();
    }

    /**
     * Shuts the event loops down and drops the pending deadlines.
     *
     * @return completes when the loops have terminated
     */
    public Mono<Void> disposeLater() {
        return loops.disposeLater().doFinally(signal -> disposeTimer());
    }

    private synchronized void disposeTimer() {
        DeadlineTimer t = timer;
        if (t != null) {
            t.dispose();
        }
    }

    @Override
    public boolean isDisposed() {
        return loops.isDisposed();
    }
}
