package io.qemureactor.core.vm;

import java.time.Duration;

/**
 * How {@link RunningVm#pin} retries while QEMU has not created all its vCPU threads yet (the
 * seed's {@code qemu_set_affinity} tried 3 times).
 *
 * @param attempts how many times to look for the threads in all
 * @param firstBackoff the delay before the second attempt, doubling after
 */
public record PinningPolicy(int attempts, Duration firstBackoff) {

    /**
     * Validates the policy.
     *
     * @param attempts how many times to look for the threads in all
     * @param firstBackoff the delay before the second attempt, doubling after
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     */
    public PinningPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
    }

    /**
     * The seed's policy: 3 attempts, 100 ms before the second, doubling after.
     *
     * @return the policy
     */
    public static PinningPolicy seedDefault() {
        return new PinningPolicy(3, Duration.ofMillis(100));
    }
}
