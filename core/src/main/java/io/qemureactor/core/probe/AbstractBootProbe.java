package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * The base of a probe, in the manner of testcontainers' {@code AbstractWaitStrategy}: it holds the
 * timeout and the description, and hands the timeout to {@link #await(BootContext, Duration)} so
 * that waits of the probe's own (a retry loop, a request to the agent) keep within the bound
 * {@link #withTimeout} sets. A subclass only says how readiness is seen:
 *
 * <pre>{@code
 * final class HttpReady extends AbstractBootProbe {
 *     HttpReady() {
 *         super("http 200", BootProbe.DEFAULT_TIMEOUT);
 *     }
 *
 *     protected Mono<Void> await(BootContext context, Duration timeout) {
 *         return ...; // complete when ready, fail with a BootFailedException when it never will be
 *     }
 * }
 * }</pre>
 *
 * <p>Instances are immutable: {@link #withTimeout} returns a new probe.
 */
public abstract class AbstractBootProbe implements BootProbe {

    private final String description;
    private final Duration timeout;

    /**
     * A probe with a description and a bound.
     *
     * @param description what {@link #describe()} says, for messages
     * @param timeout     how long the probe may take, positive
     */
    protected AbstractBootProbe(String description, Duration timeout) {
        this.description = Objects.requireNonNull(description, "description");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(description + ": a probe's timeout must be positive, got " + timeout);
        }
    }

    /**
     * Completes when the VM is ready, fails with a {@link BootFailedException} when it never will be.
     *
     * @param context what the probe may look at
     * @param timeout the probe's bound ({@link #timeout()}), for waits of its own; the launch applies it
     *                to the whole as well
     * @return a cold Mono
     */
    protected abstract Mono<Void> await(BootContext context, Duration timeout);

    /** Runs {@link #await(BootContext, Duration)} with this probe's timeout. */
    @Override
    public final Mono<Void> await(BootContext context) {
        return await(context, timeout);
    }

    @Override
    public final Duration timeout() {
        return timeout;
    }

    @Override
    public final String describe() {
        return description;
    }

    /** The same probe, bounded by {@code timeout}: its own waits too, as they get it as a parameter. */
    @Override
    public BootProbe withTimeout(Duration timeout) {
        AbstractBootProbe self = this;
        return new AbstractBootProbe(description, timeout) {
            @Override
            protected Mono<Void> await(BootContext context, Duration bound) {
                return self.await(context, bound);
            }
        };
    }

    @Override
    public String toString() {
        return description + " (within " + timeout.toSeconds() + " s)";
    }
}
