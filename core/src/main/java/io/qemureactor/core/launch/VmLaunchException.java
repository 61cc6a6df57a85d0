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

    /**
     * The VM that did not come up.
     */
    private final String vmName;
    /**
     * QEMU's exit status, if it had exited.
     */
    private final OptionalInt exitStatus;
    /**
     * The last lines of QEMU's output.
     */
    private final List<String> qemuOutputTail;
    /**
     * The last lines of the serial console.
     */
    private final List<String> consoleTail;

    /**
     * {@code vmName} did not come up: {@code message} is one line, {@code cause} what ended the launch, the rest is for diagnosis.
     *
     * @param vmName the VM's name
     * @param message one line saying why
     * @param cause what ended the launch, or {@code null}
     * @param exitStatus QEMU's exit status, or empty if it had not exited
     * @param qemuOutputTail the last lines of QEMU's output; copied
     * @param consoleTail the last lines of the serial console; copied
     */
    public VmLaunchException(String vmName, String message, Throwable cause, OptionalInt exitStatus,
                             List<String> qemuOutputTail, List<String> consoleTail) {
        super(message, cause);
        this.vmName = vmName;
        this.exitStatus = exitStatus;
        this.qemuOutputTail = List.copyOf(qemuOutputTail);
        this.consoleTail = List.copyOf(consoleTail);
    }

    /**
     * The VM that did not come up.
     *
     * @return the VM's name
     */
    public String vmName() {
        return vmName;
    }

    /**
     * QEMU's exit status, when it had exited by the time the launch failed.
     *
     * @return the status, or empty if QEMU had not exited
     */
    public OptionalInt exitStatus() {
        return exitStatus;
    }

    /**
     * The last lines QEMU wrote to stdout/stderr.
     *
     * @return the lines, possibly empty; unmodifiable
     */
    public List<String> qemuOutputTail() {
        return qemuOutputTail;
    }

    /**
     * The last lines of the guest's serial console.
     *
     * @return the lines, possibly empty; unmodifiable
     */
    public List<String> consoleTail() {
        return consoleTail;
    }

    /**
     * The message followed by the tails, for logs and test reports.
     *
     * @return a multi-line text
     */
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
