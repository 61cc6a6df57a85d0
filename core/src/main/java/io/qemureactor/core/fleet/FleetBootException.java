package io.qemureactor.core.fleet;

import io.qemureactor.core.OperationFailedException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An all-or-nothing fleet did not come up. Raised after the VMs that were up have been stopped.
 * The message names each VM that failed and why, then the ones that were cancelled or never
 * launched because of it; {@link #failures()} has them all, in member order.
 */
public class FleetBootException extends OperationFailedException {

    /** The members that are not running, in member order. */
    private final List<MemberFailure> failures;
    /** The names of the VMs stopped because of the failure. */
    private final List<String> stopped;

    /**
     * {@code summary}, then each of {@code failures} and the VMs {@code stopped} because of them; the
     * cause is the first failure's.
     *
     * @param summary the first part of the message
     * @param failures every member that is not running, in member order
     * @param stopped the names of the VMs that were up and were stopped because of the failure
     */
    public FleetBootException(String summary, List<MemberFailure> failures, List<String> stopped) {
        super(summary + describe(failures, stopped), failures.stream().findFirst().map(MemberFailure::cause).orElse(null));
        this.failures = List.copyOf(failures);
        this.stopped = List.copyOf(stopped);
    }

    private static String describe(List<MemberFailure> failures, List<String> stopped) {
        String f = failures.isEmpty() ? "" : ": " + failures.stream().map(MemberFailure::toString).collect(Collectors.joining("; "));
        String s = stopped.isEmpty() ? "" : "; stopped: " + String.join(", ", stopped);
        return f + s;
    }

    /**
     * Every member that is not running, with why.
     *
     * @return an unmodifiable list, in member order
     */
    public List<MemberFailure> failures() {
        return failures;
    }

    /**
     * The VMs that had come up and were stopped because of the failure.
     *
     * @return an unmodifiable list of VM names
     */
    public List<String> stopped() {
        return stopped;
    }

    /**
     * The failure of {@code vmName}, if it is one.
     *
     * @param vmName a member's name
     * @return its failure, or empty if it is not among {@link #failures()}
     */
    public java.util.Optional<MemberFailure> failureOf(String vmName) {
        return failures.stream().filter(f -> f.vmName().equals(vmName)).findFirst();
    }
}
