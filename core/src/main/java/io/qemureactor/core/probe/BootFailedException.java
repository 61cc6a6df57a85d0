package io.qemureactor.core.probe;

import io.qemureactor.core.OperationFailedException;

/** A boot probe saw that the VM will never be ready (a failure line, the agent's socket gone...). */
public class BootFailedException extends OperationFailedException {

    /**
     * A message saying why the VM will not become ready.
     *
     * @param message the message
     */
    public BootFailedException(String message) {
        super(message);
    }

    /**
     * As {@link #BootFailedException(String)}, keeping the {@code cause}.
     *
     * @param message the message
     * @param cause the underlying failure, kept as {@link Throwable#getCause()}
     */
    public BootFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
