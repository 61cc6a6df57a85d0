package io.qemureactor.core.fleet;

import io.qemureactor.core.OperationFailedException;
import java.util.List;

/**
 * Some members of a fleet do not fit on its hosts, or the member list itself is wrong (two
 * members with one name, a host that is not in the fleet). Raised before anything is launched;
 * nothing stays reserved. {@link #reasons()} has one line per member that does not fit.
 */
public class FleetCapacityException extends OperationFailedException {

    /** One line per member that does not fit. */
    private final List<String> reasons;

    /**
     * One of {@code reasons} per member that does not fit.
     *
     * @param reasons one line per member that does not fit (or per wrong entry of the member list)
     */
    public FleetCapacityException(List<String> reasons) {
        super("fleet does not fit, nothing was launched: " + String.join("; ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    /**
     * One line per member that does not fit.
     *
     * @return an unmodifiable list of the reasons
     */
    public List<String> reasons() {
        return reasons;
    }
}
