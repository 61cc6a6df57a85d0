package io.qemureactor.transport;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard to try to reach a socket that may not exist yet (QEMU still starting) or that
 * refuses: retry every failed attempt after a {@link Backoff}, give up when the
 * {@code timeout} runs out or as soon as {@code liveness} says the peer is dead.
 *
 * @param timeout total time for connecting, all attempts and the protocol handshake included
 * @param attemptTimeout the time one connect attempt may take at the socket level
 * @param backoff delay between attempts
 * @param liveness asked after every failed attempt
 */
public record ConnectPolicy(Duration timeout, Duration attemptTimeout, Backoff backoff, PeerLiveness liveness) {

    /**
     * Checks that nothing is null.
     *
     * @param timeout total time for connecting
     * @param attemptTimeout time per attempt at the socket level
     * @param backoff delay between attempts
     * @param liveness asked after every failed attempt
     */
    public ConnectPolicy {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(liveness, "liveness");
    }

    /**
     * The default policy: 30 s in total, 5 s per attempt, 10 ms doubling to 500 ms between
     * attempts, no liveness check.
     *
     * @return the default policy
     */
    public static ConnectPolicy defaults() {
        return new ConnectPolicy(Duration.ofSeconds(30), Duration.ofSeconds(5),
                Backoff.exponential(Duration.ofMillis(10), Duration.ofMillis(500)), PeerLiveness.assumeAlive());
    }

    /**
     * A copy with another total time for connecting.
     *
     * @param total all attempts and the handshake
     * @return the copy
     */
    public ConnectPolicy withTimeout(Duration total) {
        return new ConnectPolicy(total, attemptTimeout, backoff, liveness);
    }

    /**
     * A copy with another time limit per attempt.
     *
     * @param perAttempt the socket-level connect timeout
     * @return the copy
     */
    public ConnectPolicy withAttemptTimeout(Duration perAttempt) {
        return new ConnectPolicy(timeout, perAttempt, backoff, liveness);
    }

    /**
     * A copy with another delay between attempts.
     *
     * @param delays the backoff
     * @return the copy
     */
    public ConnectPolicy withBackoff(Backoff delays) {
        return new ConnectPolicy(timeout, attemptTimeout, delays, liveness);
    }

    /**
     * A copy with another liveness check.
     *
     * @param check asked after every failed attempt; "dead" ends the connect at once
     * @return the copy
     */
    public ConnectPolicy withLiveness(PeerLiveness check) {
        return new ConnectPolicy(timeout, attemptTimeout, backoff, check);
    }
}
