package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Another probe under another bound: what {@link BootProbe#withTimeout} gives for a probe that does
 * not take the bound into its own waits (one that implements {@link BootProbe} directly rather than
 * extending {@link AbstractBootProbe}).
 */
final class RetimedProbe implements BootProbe {

    private final BootProbe delegate;
    private final Duration timeout;

    RetimedProbe(BootProbe delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public Mono<Void> await(BootContext context) {
        return delegate.await(context);
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    /** Retimes the original probe, not this copy: no chain of wrappers. */
    @Override
    public BootProbe withTimeout(Duration timeout) {
        return new RetimedProbe(delegate, timeout);
    }
}
