package io.qemureactor.transport;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * Exponential backoff as a value (lettuce's {@code Delay} idea): first delay, doubling up
 * to a cap, with jitter. It has no attempt limit of its own: callers bound retries by a
 * timeout, which is what a person means by "wait at most 30 s".
 *
 * <p>Delays run on {@code Schedulers.parallel()}, looked up when the retry starts, so
 * {@code StepVerifier.withVirtualTime} controls them in tests.
 */
public record Backoff(Duration firstDelay, Duration maxDelay, double jitter) {

    public Backoff {
        Objects.requireNonNull(firstDelay, "firstDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 <= firstDelay <= maxDelay, got " + firstDelay + ", " + maxDelay);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
        }
    }

    /** {@code firstDelay}, doubling up to {@code maxDelay}, 25 % jitter. */
    public static Backoff exponential(Duration firstDelay, Duration maxDelay) {
        return new Backoff(firstDelay, maxDelay, 0.25);
    }

    /** A copy without jitter: exact delays, for tests under virtual time. */
    public Backoff withoutJitter() {
        return new Backoff(firstDelay, maxDelay, 0);
    }

    /** A Reactor retry spec that retries the errors {@code retryable} accepts, forever. */
    public RetryBackoffSpec toRetry(Predicate<Throwable> retryable) {
        return Retry.backoff(Long.MAX_VALUE, firstDelay)
                .maxBackoff(maxDelay)
                .jitter(jitter)
                .filter(retryable)
                // without this, the "exhausted" wrapper would hide the real cause
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }
}
