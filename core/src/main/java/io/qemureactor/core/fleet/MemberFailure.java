package io.qemureactor.core.fleet;

import java.util.Objects;

/**
 * One VM of a fleet that is not running, and why.
 *
 * @param vmName the VM
 * @param host   the fleet host it was placed on
 * @param reason one line: the launcher's message, or why it was cancelled or never launched
 * @param cause  the error itself (a {@code VmLaunchException} carries QEMU's output and console tails)
 */
public record MemberFailure(String vmName, String host, String reason, Throwable cause) {

    /**
     * Validates the components.
     *
     * @param vmName the VM
     * @param host the fleet host it was placed on
     * @param reason one line: the launcher's message, or why it was cancelled or never launched
     * @param cause the error itself (a {@code VmLaunchException} carries QEMU's output and console tails)
     * @throws NullPointerException if a component is null
     */
    public MemberFailure {
        Objects.requireNonNull(vmName, "vmName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    @Override
    public String toString() {
        // the launcher's messages already begin with "vmN on HOST"
        return reason.startsWith(vmName + " ") ? reason : vmName + " on " + host + ": " + reason;
    }
}
