package io.qemureactor.core.spec;

import io.qemureactor.core.ConfigurationException;
import java.util.List;

/**
 * A {@link VmSpec} that cannot run. Every problem found on {@code build()} is listed, each starting
 * with the field it concerns (e.g. {@code vhostUser[0].queues: ...}) and saying how to fix it, so one
 * attempt reports everything.
 */
public final class InvalidVmSpecException extends ConfigurationException {

    /** Each problem, {@code field: what is wrong and what to do}. */
    private final List<String> violations;

    /**
     * An exception for the spec of {@code vmName} listing every one of its {@code violations}.
     *
     * @param vmName the spec's name, for the message
     * @param violations every problem, each starting with its field; not empty
     */
    public InvalidVmSpecException(String vmName, List<String> violations) {
        super(format(vmName, violations));
        this.violations = List.copyOf(violations);
    }

    /** {@return each problem, {@code field: what is wrong and what to do}} */
    public List<String> violations() {
        return violations;
    }

    private static String format(String vmName, List<String> violations) {
        StringBuilder sb = new StringBuilder("invalid VM spec '").append(vmName).append("': ")
                .append(violations.size()).append(violations.size() == 1 ? " problem" : " problems");
        for (String v : violations) {
            sb.append("\n  - ").append(v);
        }
        return sb.toString();
    }
}
