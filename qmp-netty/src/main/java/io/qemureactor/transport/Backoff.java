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

    /**
     * Checks the values.
     *
     * @param firstDelay the delay before the first retry
     * @param maxDelay the cap the doubling stops at
     * @param jitter the random share of each delay, in [0, 1]
     * @throws IllegalArgumentException unless {@code 0 <= firstDelay <= maxDelay} and {@code 0 <= jitter <= 1}
     */
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

    /**
     * Delays that start at {@code firstDelay} and double up to {@code maxDelay}, with 25 % jitter
     * so that many clients retrying at once spread out.
     *
     * @param firstDelay the delay before the first retry
     * @param maxDelay the cap
     * @return the backoff
     */
    public static Backoff exponential(Duration firstDelay, Duration maxDelay) {
        return new Backoff(firstDelay, maxDelay, 0.25);
    }

    /**
     * A copy without jitter: exact delays, for tests under virtual time.
     *
     * @return the copy
     */
    public Backoff withoutJitter() {
        return new Backoff(firstDelay, maxDelay, 0);
    }

    /**
     * This backoff as a Reactor retry spec for {@code retryWhen}, without an attempt limit (bound
     * the whole operation with a timeout). When an error is not retryable it propagates as it is,
     * not wrapped in Reactor's "retries exhausted" error.
     *
     * @param retryable which errors to retry
     * @return the spec
     */
    public RetryBackoffSpec toRetry(Predicate<Throwable> retryable) {
        return Retry.backoff(Long.MAX_VALUE, firstDelay)
                .maxBackoff(maxDelay)
                .jitter(jitter)
                .filter(retryable)
                // without this, the "exhausted" wrapper would hide the real cause
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }
}
