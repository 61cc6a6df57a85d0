package io.qemureactor.core.probe;

import io.qemureactor.core.function.ReadinessRule;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Decides when a booting VM is ready: a small strategy in the manner of testcontainers'
 * {@code WaitStrategy}, each with a default timeout. Probes react to what happens (a console
 * line, an agent reply, an event) instead of polling on a clock; the launch pipeline also fails
 * a boot at once when QEMU exits or emits {@code SHUTDOWN}, whatever the probe.
 */
public interface BootProbe {

    /** The default bound of the serial and agent probes: a TCG guest on a busy 2-core machine. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** Completes when the VM is ready; fails with a {@link BootFailedException} when it never will be. */
    Mono<Void> await(BootContext context);

    /** How long {@link #await} may take before the launch gives up. */
    Duration timeout();

    /** A short description for messages: {@code serial /qemu-reactor-guest: ready/}. */
    String describe();

    /** The same probe with another timeout. */
    default BootProbe withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        BootProbe self = this;
        return new BootProbe() {
            @Override
            public Mono<Void> await(BootContext context) {
                return self.await(context);
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public String describe() {
                return self.describe();
            }
        };
    }

    /** Ready when the guest agent answers {@code guest-ping} (after a resync), retried with backoff: the seed's 12 x 5 s loop. */
    static BootProbe qga() {
        return new QgaProbe(DEFAULT_TIMEOUT);
    }

    /** Ready when a console line matches {@code marker}; failed at once on {@code reboot: Power down}. */
    static BootProbe serialMarker(String marker) {
        return serial(new ReadinessRule(Pattern.compile(marker),
                List.of(Pattern.compile(Pattern.quote(ReadinessRule.POWER_DOWN)))));
    }

    /** Ready or failed by a {@link ReadinessRule} over the console lines (the kernel-VM functions' rules). */
    static BootProbe serial(ReadinessRule rule) {
        return new SerialProbe(rule, DEFAULT_TIMEOUT);
    }

    /** Ready when {@code query-status} says {@code status} (e.g. {@code running}). */
    static BootProbe qmpStatus(String status) {
        return new QmpStatusProbe(status, Duration.ofSeconds(30));
    }

    /** Ready when all of these are (they run concurrently); the timeout is the longest of theirs. */
    static BootProbe all(BootProbe... probes) {
        return new AllProbes(List.of(probes));
    }
}
