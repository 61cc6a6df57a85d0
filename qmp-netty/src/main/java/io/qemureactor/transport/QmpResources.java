package io.qemureactor.transport;

import io.netty.channel.EventLoopGroup;
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
 * {@link DeadlineTimer}, which arms one task at a time on a Reactor scheduler. By default that
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

    /** Two event-loop threads named {@code qemu-reactor-io-N} (daemon). */
    public static QmpResources create() {
        return create("qemu-reactor-io", 2);
    }

    /** {@code threads} event-loop threads named {@code prefix-N} (daemon). */
    public static QmpResources create(String prefix, int threads) {
        return new QmpResources(LoopResources.create(prefix, threads, true), null);
    }

    /**
     * Uses loops the caller already has; {@link #dispose()} disposes them. The client
     * always asks for NIO loops ({@code onClient(false)}): the JDK's unix domain sockets
     * need no native library.
     */
    public static QmpResources of(LoopResources loops) {
        return new QmpResources(Objects.requireNonNull(loops, "loops"), null);
    }

    /**
     * Like {@link #of(LoopResources)}, with deadlines swept on {@code timerScheduler}; the
     * caller keeps owning (and disposes) that scheduler.
     */
    public static QmpResources of(LoopResources loops, Scheduler timerScheduler) {
        return new QmpResources(Objects.requireNonNull(loops, "loops"),
                Objects.requireNonNull(timerScheduler, "timerScheduler"));
    }

    /** The process-wide default, created on first use; created anew if it was disposed. */
    public static QmpResources shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || shared.isDisposed()) {
                shared = create("qemu-reactor-shared-io", 2);
            }
            return shared;
        }
    }

    /** The NIO event loop group connections are registered with. */
    public EventLoopGroup eventLoops() {
        return loops.onClient(false);
    }

    /**
     * The timer for the deadlines of operations starting now. Look it up when an operation
     * starts (inside {@code Mono.defer} or {@code Mono.create}), not when it is assembled long
     * before, so a test's virtual time is the one in force.
     */
    public DeadlineTimer timer() {
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
     * {@code timeout}; see {@link DeadlineTimer#timeout}. The timer is looked up at subscription.
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

    /** Shuts the event loops down; completes when they have terminated. */
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
