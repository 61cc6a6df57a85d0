package io.qemureactor.core.launch;

import io.qemureactor.core.OperationFailedException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A VM did not come up. The message is one line that says why; the QEMU exit status and the
 * last lines of QEMU's output and of the serial console are attached for diagnosis (as
 * testcontainers attaches a container's log tail to its start failure).
 */
public class VmLaunchException extends OperationFailedException {

    private final String vmName;
    private final OptionalInt exitStatus;
    private final List<String> qemuOutputTail;
    private final List<String> consoleTail;

    /** {@code vmName} did not come up: {@code message} is one line, {@code cause} what ended the launch, the rest is for diagnosis. */
    public VmLaunchException(String vmName, String message, Throwable cause, OptionalInt exitStatus,
                             List<String> qemuOutputTail, List<String> consoleTail) {
        super(message, cause);
        this.vmName = vmName;
        this.exitStatus = exitStatus;
        this.qemuOutputTail = List.copyOf(qemuOutputTail);
        this.consoleTail = List.copyOf(consoleTail);
    }

    /** The VM that did not come up. */
    public String vmName() {
        return vmName;
    }

    /** QEMU's exit status, when it had exited by the time the launch failed. */
    public OptionalInt exitStatus() {
        return exitStatus;
    }

    /** The last lines QEMU wrote to stdout/stderr. */
    public List<String> qemuOutputTail() {
        return qemuOutputTail;
    }

    /** The last lines of the guest's serial console. */
    public List<String> consoleTail() {
        return consoleTail;
    }

    /** The message followed by the tails, for logs and test reports. */
    public String details() {
        StringBuilder b = new StringBuilder(getMessage());
        exitStatus.ifPresent(s -> b.append("\nQEMU exit status: ").append(s));
        if (!qemuOutputTail.isEmpty()) {
            b.append("\nQEMU output (last lines):\n  ").append(String.join("\n  ", qemuOutputTail));
        }
        if (!consoleTail.isEmpty()) {
            b.append("\nserial console (last lines):\n  ").append(String.join("\n  ", consoleTail));
        }
        return b.toString();
    }

    static Optional<String> lastLine(List<String> lines) {
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(lines.size() - 1));
    }
}
