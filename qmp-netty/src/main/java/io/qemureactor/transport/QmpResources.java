package io.qemureactor.transport;

import io.netty.channel.EventLoopGroup;
import java.util.Objects;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * The event loops every QMP and QGA connection runs on. One instance serves any number of
 * clients (a fleet of VMs shares a couple of threads; no thread per client).
 *
 * <p>Create one with {@link #create()} and {@link #dispose()} it after the last client
 * closed, or use {@link #shared()}, the process-wide default with daemon threads. Timers
 * are not here on purpose: they run on Reactor's {@code Schedulers.parallel()}, which
 * {@code StepVerifier.withVirtualTime} can replace in tests.
 */
public final class QmpResources implements Disposable {

    private static final Object SHARED_LOCK = new Object();
    private static QmpResources shared;

    private final LoopResources loops;

    private QmpResources(LoopResources loops) {
        this.loops = loops;
    }

    /** Two event-loop threads named {@code qemu-reactor-io-N} (daemon). */
    public static QmpResources create() {
        return create("qemu-reactor-io", 2);
    }

    /** {@code threads} event-loop threads named {@code prefix-N} (daemon). */
    public static QmpResources create(String prefix, int threads) {
        return new QmpResources(LoopResources.create(prefix, threads, true));
    }

    /**
     * Uses loops the caller already has; {@link #dispose()} disposes them. The client
     * always asks for NIO loops ({@code onClient(false)}): the JDK's unix domain sockets
     * need no native library.
     */
    public static QmpResources of(LoopResources loops) {
        return new QmpResources(Objects.requireNonNull(loops, "loops"));
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

    /** Shuts the event loops down without waiting. */
    @Override
    public void dispose() {
        loops.dispose();
    }

    /** Shuts the event loops down; completes when they have terminated. */
    public Mono<Void> disposeLater() {
        return loops.disposeLater();
    }

    @Override
    public boolean isDisposed() {
        return loops.isDisposed();
    }
}
