package io.qemureactor.core.vm;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of each step of {@link RunningVm#shutdown()}'s ladder: ask the guest to power off
 * (guest agent, else ACPI power button) and wait for QEMU to exit; then QMP {@code quit}; then
 * SIGTERM; then SIGKILL.
 *
 * @param graceful how long the guest may take to power off
 * @param quit     how long QEMU may take to exit after {@code quit}
 * @param term     how long QEMU may take to exit after SIGTERM
 */
public record ShutdownPolicy(Duration graceful, Duration quit, Duration term) {

    /**
     * Validates the components; a zero bound skips that step.
     *
     * @param graceful how long the guest may take to power off
     * @param quit how long QEMU may take to exit after {@code quit}
     * @param term how long QEMU may take to exit after SIGTERM
     * @throws NullPointerException if a bound is null
     */
    public ShutdownPolicy {
        Objects.requireNonNull(graceful, "graceful");
        Objects.requireNonNull(quit, "quit");
        Objects.requireNonNull(term, "term");
    }

    /**
     * 30 s for the guest (a TCG guest on a busy machine is slow), 5 s for quit, 5 s for SIGTERM.
     *
     * @return the default policy
     */
    public static ShutdownPolicy defaults() {
        return new ShutdownPolicy(Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /**
     * No guest step: quit, then signals. For VMs whose guest is known not to cooperate.
     *
     * @return a policy with a zero {@code graceful} bound
     */
    public static ShutdownPolicy withoutGuest() {
        return new ShutdownPolicy(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }
}
