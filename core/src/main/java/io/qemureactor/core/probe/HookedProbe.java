package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * Another probe with actions when it starts and when it says ready ({@link BootProbe#doOnStart},
 * {@link BootProbe#doOnReady}); everything else (readiness, timeout, description) is the other's.
 */
final class HookedProbe implements BootProbe {

    static final Consumer<BootContext> NOTHING = context -> { };

    private final BootProbe delegate;
    private final Consumer<BootContext> onStart;
    private final Consumer<BootContext> onReady;

    HookedProbe(BootProbe delegate, Consumer<BootContext> onStart, Consumer<BootContext> onReady) {
        this.delegate = delegate;
        this.onStart = onStart;
        this.onReady = onReady;
    }

    @Override
    public Mono<Void> await(BootContext context) {
        return Mono.defer(() -> {
            onStart.accept(context);
            return delegate.await(context);
        }).doOnSuccess(v -> onReady.accept(context));
    }

    @Override
    public Duration timeout() {
        return delegate.timeout();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    /** The hooks stay; the new bound goes to the probe underneath, which may use it for its own waits. */
    @Override
    public BootProbe withTimeout(Duration timeout) {
        return new HookedProbe(delegate.withTimeout(timeout), onStart, onReady);
    }

    @Override
    public String toString() {
        return "hooked " + delegate;
    }
}
