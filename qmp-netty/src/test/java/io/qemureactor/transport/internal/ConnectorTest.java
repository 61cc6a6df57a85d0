package io.qemureactor.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.exceptions.QmpConnectException;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpProtocolException;
import io.qemureactor.exceptions.QmpTimeoutException;
import io.qemureactor.transport.Backoff;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.PeerLiveness;
import io.qemureactor.transport.QmpResources;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The connect retry policy under virtual time: backoff, timeout, liveness, which errors retry. */
@Timeout(30)
class ConnectorTest {

    private static final PeerAddress PEER = PeerAddress.unix("/test/vm1/qmp.sock");
    private static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)).withoutJitter();

    private final AtomicInteger attempts = new AtomicInteger();

    private Mono<String> failing(Throwable error) {
        return Mono.defer(() -> {
            attempts.incrementAndGet();
            return Mono.error(error);
        });
    }

    /** Looks the timer up inside the virtual-time supplier, as QmpResources does at subscription. */
    private static Mono<String> retrying(ConnectPolicy policy, Mono<String> attempt) {
        return Connector.retrying(PEER, policy, QmpResources.shared(), attempt, lost -> { });
    }

    private static ConnectPolicy policy(Duration timeout, PeerLiveness liveness) {
        return new ConnectPolicy(timeout, Duration.ofSeconds(1), BACKOFF, liveness);
    }

    @Test
    void retriesWithExponentialBackoffUntilTheTimeout() {
        StepVerifier.withVirtualTime(() -> retrying(policy(Duration.ofSeconds(5), PeerLiveness.assumeAlive()),
                        failing(new ConnectException("Connection refused"))))
                .expectSubscription()
                .then(() -> assertThat(attempts).hasValue(1))
                .thenAwait(Duration.ofMillis(100))
                .then(() -> assertThat(attempts).hasValue(2))
                .thenAwait(Duration.ofMillis(200))
                .then(() -> assertThat(attempts).hasValue(3))
                .thenAwait(Duration.ofMillis(400))
                .then(() -> assertThat(attempts).hasValue(4))
                .thenAwait(Duration.ofMillis(800))
                .then(() -> assertThat(attempts).hasValue(5))
                .thenAwait(Duration.ofSeconds(1)) // capped at 1 s from here
                .then(() -> assertThat(attempts).hasValue(6))
                .thenAwait(Duration.ofMillis(3500))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpTimeoutException.class)
                        .hasMessageContaining("connecting to unix:/test/vm1/qmp.sock")
                        .hasMessageContaining("Connection refused")
                        .hasCauseInstanceOf(ConnectException.class))
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(8); // at 0, .1, .3, .7, 1.5, 2.5, 3.5, 4.5 s
    }

    @Test
    void policyCopiesChangeOneThingAndKeepTheRest() {
        PeerLiveness dead = PeerLiveness.of(() -> false);
        ConnectPolicy d = ConnectPolicy.defaults();
        assertThat(d.withTimeout(Duration.ofSeconds(7)).withLiveness(dead))
                .isEqualTo(new ConnectPolicy(Duration.ofSeconds(7), d.attemptTimeout(), d.backoff(), dead));
        assertThat(d.withBackoff(BACKOFF).withAttemptTimeout(Duration.ofMillis(300)))
                .isEqualTo(new ConnectPolicy(d.timeout(), Duration.ofMillis(300), BACKOFF, d.liveness()));
    }

    @Test
    void succeedsOnALaterAttempt() {
        Mono<String> attempt = Mono.defer(() -> attempts.incrementAndGet() < 3
                ? Mono.error(new java.nio.file.NoSuchFileException("/test/vm1/qmp.sock"))
                : Mono.just("session"));
        StepVerifier.withVirtualTime(() -> retrying(policy(Duration.ofSeconds(5), PeerLiveness.assumeAlive()), attempt))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(300))
                .expectNext("session")
                .verifyComplete();
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aDeadPeerFailsAtOnceInsteadOfAtTheTimeout() {
        StepVerifier.withVirtualTime(() -> retrying(policy(Duration.ofSeconds(30), PeerLiveness.of(() -> false)),
                        failing(new ConnectException("No such file or directory"))))
                .expectSubscription()
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpConnectException.class)
                        .hasMessageContaining("not alive").hasMessageContaining("unix:/test/vm1/qmp.sock"))
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aPeerThatDiesWhileWeRetryStopsTheRetries() {
        AtomicInteger checks = new AtomicInteger();
        PeerLiveness diesAfterTwoChecks = PeerLiveness.of(() -> checks.incrementAndGet() <= 2);
        StepVerifier.withVirtualTime(() -> retrying(policy(Duration.ofSeconds(30), diesAfterTwoChecks),
                        failing(new ConnectException("refused"))))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(300))
                .expectError(QmpConnectException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aPeerClosingDuringTheHandshakeIsRetried() {
        Mono<String> attempt = Mono.defer(() -> attempts.incrementAndGet() < 2
                ? Mono.error(new QmpConnectionClosedException("unix:/x", "closed", null))
                : Mono.just("session"));
        StepVerifier.withVirtualTime(() -> retrying(policy(Duration.ofSeconds(5), PeerLiveness.assumeAlive()), attempt))
                .thenAwait(Duration.ofMillis(100))
                .expectNext("session")
                .verifyComplete();
    }

    @Test
    void aProtocolErrorIsNotRetried() {
        StepVerifier.withVirtualTime(() -> retrying(policy(Duration.ofSeconds(5), PeerLiveness.assumeAlive()),
                        failing(new QmpProtocolException("not QMP"))))
                .expectError(QmpProtocolException.class)
                .verify(Duration.ofSeconds(5));
        assertThat(attempts).hasValue(1);
    }
}
