package io.qemureactor.core.fleet;

import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootProbe;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * A member's probe, wrapped to report {@link FleetEvent.Type#QMP_CONNECTED}: the launcher runs the
 * probe right after QMP is negotiated, the console attached and the guest released
 * ({@code cont}), so the probe's start is that moment. It changes nothing else: same readiness,
 * same timeout, same description.
 */
final class ProgressProbe implements BootProbe {

    private final BootProbe delegate;
    private final Runnable onStart;

    ProgressProbe(BootProbe delegate, Runnable onStart) {
        this.delegate = delegate;
        this.onStart = onStart;
    }

    @Override
    public Mono<Void> await(BootContext context) {
        return Mono.defer(() -> {
            onStart.run();
            return delegate.await(context);
        });
    }

    @Override
    public Duration timeout() {
        return delegate.timeout();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
