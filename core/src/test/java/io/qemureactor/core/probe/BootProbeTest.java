package io.qemureactor.core.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;

/** The probe base and its decorators: what each passes on, what each adds, and in which order. */
class BootProbeTest {

    private static final BootContext CONTEXT = new BootContext("vm1", null, Optional.empty(), Optional.empty());

    /** A probe that notes the bound it was given and answers with {@code result}. */
    private static final class Recording extends AbstractBootProbe {

        final List<Duration> bounds = new CopyOnWriteArrayList<>();
        private final Mono<Void> result;

        Recording(String description, Duration timeout, Mono<Void> result) {
            super(description, timeout);
            this.result = result;
        }

        @Override
        protected Mono<Void> await(BootContext context, Duration timeout) {
            bounds.add(timeout);
            return result;
        }
    }

    private static Recording ready(String description, Duration timeout) {
        return new Recording(description, timeout, Mono.empty());
    }

    @Test
    void anotherTimeoutReachesTheProbesOwnWait() {
        Recording probe = ready("r", Duration.ofSeconds(120));

        BootProbe longer = probe.withTimeout(Duration.ofSeconds(300));
        StepVerifier.create(longer.await(CONTEXT)).verifyComplete();

        assertThat(longer.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(longer.describe()).isEqualTo("r");
        assertThat(probe.bounds).containsExactly(Duration.ofSeconds(300));
        assertThat(probe.timeout()).as("the original is unchanged").isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void theAgentProbeTakesANewTimeoutAsItsOwn() {
        assertThat(BootProbe.qga().withTimeout(Duration.ofSeconds(300)))
                .isInstanceOf(AbstractBootProbe.class)
                .satisfies(p -> assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(300)));
    }

    @Test
    void aProbeWithoutTheBaseKeepsItsWaitAndGetsTheNewBound() {
        PublisherProbe<Void> inner = PublisherProbe.empty();
        BootProbe plain = new BootProbe() {
            @Override
            public Mono<Void> await(BootContext context) {
                return inner.mono();
            }

            @Override
            public Duration timeout() {
                return Duration.ofSeconds(1);
            }

            @Override
            public String describe() {
                return "plain";
            }
        };

        BootProbe retimed = plain.withTimeout(Duration.ofSeconds(5)).withTimeout(Duration.ofSeconds(7));
        StepVerifier.create(retimed.await(CONTEXT)).verifyComplete();

        assertThat(retimed.timeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(retimed.describe()).isEqualTo("plain");
        inner.assertWasSubscribed();
    }

    @Test
    void aZeroTimeoutIsRefusedNamingTheProbe() {
        assertThatThrownBy(() -> BootProbe.qga().withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("qga guest-ping: a probe's timeout must be positive, got PT0S");
    }

    @Test
    void theStartActionRunsOnSubscriptionBeforeTheProbeLooks() {
        List<String> order = new CopyOnWriteArrayList<>();
        BootProbe inner = new Recording("r", Duration.ofSeconds(10), Mono.fromRunnable(() -> order.add("probe")));

        BootProbe hooked = inner.doOnStart(context -> order.add("start " + context.vmName()));
        Mono<Void> await = hooked.await(CONTEXT);

        assertThat(order).as("nothing before subscription").isEmpty();
        StepVerifier.create(await).verifyComplete();
        assertThat(order).containsExactly("start vm1", "probe");
        assertThat(hooked.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(hooked.describe()).isEqualTo("r");
    }

    @Test
    void theReadyActionRunsOnReadinessOnly() {
        List<String> seen = new CopyOnWriteArrayList<>();
        BootProbe failing = new Recording("f", Duration.ofSeconds(10), Mono.error(new BootFailedException("never")))
                .doOnReady(context -> seen.add("ready"));
        BootProbe succeeding = ready("s", Duration.ofSeconds(10)).doOnReady(context -> seen.add("ready " + context.vmName()));

        StepVerifier.create(failing.await(CONTEXT)).verifyErrorMessage("never");
        assertThat(seen).isEmpty();
        StepVerifier.create(succeeding.await(CONTEXT)).verifyComplete();
        assertThat(seen).containsExactly("ready vm1");
    }

    @Test
    void aHookedProbeKeepsItsHooksAndPassesANewTimeoutDown() {
        Recording inner = ready("r", Duration.ofSeconds(10));
        List<String> seen = new CopyOnWriteArrayList<>();

        BootProbe probe = inner.doOnStart(c -> seen.add("start")).withTimeout(Duration.ofSeconds(40));
        StepVerifier.create(probe.await(CONTEXT)).verifyComplete();

        assertThat(seen).containsExactly("start");
        assertThat(probe.timeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(inner.bounds).containsExactly(Duration.ofSeconds(40));
    }

    @Test
    void aSequenceStartsTheSecondProbeOnceTheFirstIsReady() {
        List<String> order = new CopyOnWriteArrayList<>();
        BootProbe first = new Recording("a", Duration.ofSeconds(10), Mono.fromRunnable(() -> order.add("a")));
        BootProbe second = new Recording("b", Duration.ofSeconds(20), Mono.fromRunnable(() -> order.add("b")));

        BootProbe both = first.doOnReady(c -> order.add("a ready")).then(second);
        StepVerifier.create(both.await(CONTEXT)).verifyComplete();

        assertThat(order).containsExactly("a", "a ready", "b");
        assertThat(both.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(both.describe()).isEqualTo("a, then b");
    }

    @Test
    void aSequenceStopsAtAFailedFirstProbe() {
        PublisherProbe<Void> second = PublisherProbe.empty();
        BootProbe failing = new Recording("a", Duration.ofSeconds(10), Mono.error(new BootFailedException("no")));
        BootProbe next = new Recording("b", Duration.ofSeconds(10), second.mono());

        StepVerifier.create(failing.then(next).await(CONTEXT)).verifyErrorMessage("no");

        second.assertWasNotSubscribed();
    }

    @Test
    void allProbesTakeTheLongestBoundAndEachGetsANewOne() {
        Recording shortOne = ready("s", Duration.ofSeconds(30));
        Recording longOne = ready("l", Duration.ofSeconds(120));

        BootProbe all = BootProbe.all(shortOne, longOne);
        assertThat(all.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(all.describe()).isEqualTo("s + l");
        StepVerifier.create(all.await(CONTEXT)).verifyComplete();
        assertThat(shortOne.bounds).containsExactly(Duration.ofSeconds(30));

        BootProbe longer = all.withTimeout(Duration.ofSeconds(300));
        StepVerifier.create(longer.await(CONTEXT)).verifyComplete();
        assertThat(longer.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(shortOne.bounds).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(300));
        assertThat(longOne.bounds).containsExactly(Duration.ofSeconds(120), Duration.ofSeconds(300));
    }

    @Test
    void allOfNothingIsRefused() {
        assertThatThrownBy(BootProbe::all).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("BootProbe.all needs at least one probe");
    }
}
