package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * Decides when a booting VM is ready: a small strategy in the manner of testcontainers'
 * {@code WaitStrategy}, each with a timeout and a description. Probes react to what happens (a
 * console line, an agent reply, an event) instead of polling on a clock; the launch pipeline
 * bounds {@link #await} by {@link #timeout()} and also fails a boot at once when QEMU exits or
 * emits {@code SHUTDOWN}, whatever the probe.
 *
 * <p>The factories ({@link #qga()}, {@link #serialMarker}, {@link #serial}, {@link #qmpStatus},
 * {@link #all}) cover the usual cases; a probe of your own extends {@link AbstractBootProbe},
 * which holds the timeout and the description. Decorators return a new probe and leave this one
 * as it is:
 *
 * <ul>
 * <li>{@link #withTimeout}: another bound, also for the probe's own waits (the agent's retries);
 * <li>{@link #doOnStart}: an action when the probe starts, that is when QMP is negotiated, the
 *     console attached and the guest released (a fleet reports its {@code QMP_CONNECTED} there);
 * <li>{@link #doOnReady}: an action when the probe says ready;
 * <li>{@link #then}: this probe, then another one.
 * </ul>
 *
 * <pre>{@code
 * BootProbe probe = BootProbe.qga().withTimeout(Duration.ofMinutes(3))
 *         .doOnReady(context -> log.info("{} answers", context.vmName()));
 * }</pre>
 */
public interface BootProbe {

    /** The default bound of the serial and agent probes: a TCG guest on a busy 2-core machine. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Completes when the VM is ready; fails with a {@link BootFailedException} when it never will be.
     *
     * @param context what the probe may look at: the VM's QMP session, agent and console
     * @return a cold Mono, subscribed once per boot
     */
    Mono<Void> await(BootContext context);

    /**
     * How long {@link #await} may take before the launch gives up.
     *
     * @return the bound, positive
     */
    Duration timeout();

    /**
     * A short description for messages.
     *
     * @return for example {@code serial /qemu-reactor-guest: ready/}
     */
    String describe();

    /**
     * The same probe with another timeout. The probes of this package, and every
     * {@link AbstractBootProbe}, bound their own waits by it too (the agent's retry loop, each probe
     * of {@link #all}); for any other probe only the launch's bound changes.
     *
     * @param timeout the new bound
     * @return a new probe
     */
    default BootProbe withTimeout(Duration timeout) {
        return new RetimedProbe(this, timeout);
    }

    /**
     * This probe, running {@code action} when it starts: every time {@link #await} is subscribed,
     * before this probe looks at anything. The launch runs the probe right after QMP is negotiated,
     * the console attached and the guest released ({@code cont}), so that is the moment the action
     * sees. Readiness, timeout and description are this probe's.
     *
     * @param action runs on the launch's thread: keep it short and non-blocking; it may subscribe to
     *               the context's console or events to watch the boot beside the probe
     * @return a new probe
     */
    default BootProbe doOnStart(Consumer<BootContext> action) {
        return new HookedProbe(this, Objects.requireNonNull(action, "action"), HookedProbe.NOTHING);
    }

    /**
     * This probe, running {@code action} when it says ready (not when it fails or is cancelled).
     * Readiness, timeout and description are this probe's.
     *
     * @param action runs on the thread that saw readiness: keep it short and non-blocking
     * @return a new probe
     */
    default BootProbe doOnReady(Consumer<BootContext> action) {
        return new HookedProbe(this, HookedProbe.NOTHING, Objects.requireNonNull(action, "action"));
    }

    /**
     * Ready when this probe is and then {@code next} is (in that order: {@code next} starts once this
     * one is ready). The timeout is the sum of both; {@link #withTimeout} on the result bounds the
     * whole.
     *
     * @param next the probe that runs after this one
     * @return a new probe
     */
    default BootProbe then(BootProbe next) {
        return new SequenceProbe(this, Objects.requireNonNull(next, "next"));
    }

    /**
     * Ready when the guest agent answers {@code guest-ping} (after a resync), retried with backoff: the
     * seed's 12 x 5 s loop.
     *
     * @return a probe bounded by {@link #DEFAULT_TIMEOUT}
     */
    static BootProbe qga() {
        return new QgaProbe(DEFAULT_TIMEOUT);
    }

    /**
     * Ready when a console line matches {@code marker}; failed at once on {@code reboot: Power down}.
     *
     * @param marker a regular expression, found anywhere in a line
     * @return a probe bounded by {@link #DEFAULT_TIMEOUT}
     */
    static BootProbe serialMarker(String marker) {
        return serial(new ReadinessRule(Pattern.compile(marker),
                List.of(Pattern.compile(Pattern.quote(ReadinessRule.POWER_DOWN)))));
    }

    /**
     * Ready or failed by a {@link ReadinessRule} over the console lines (the kernel-VM functions' rules).
     *
     * @param rule which line means ready, which ones mean failed
     * @return a probe bounded by {@link #DEFAULT_TIMEOUT}
     */
    static BootProbe serial(ReadinessRule rule) {
        return new SerialProbe(rule, DEFAULT_TIMEOUT);
    }

    /**
     * Ready when {@code query-status} says {@code status}.
     *
     * @param status a QMP run state, e.g. {@code running}
     * @return a probe bounded by 30 s
     */
    static BootProbe qmpStatus(String status) {
        return new QmpStatusProbe(status, Duration.ofSeconds(30));
    }

    /**
     * Ready when all of these are (they run concurrently; the first failure fails the whole). The timeout
     * is the longest of theirs; {@link #withTimeout} on the result gives each of them the new one.
     *
     * @param probes at least one probe
     * @return a new probe
     */
    static BootProbe all(BootProbe... probes) {
        return new AllProbes(List.of(probes));
    }
}
