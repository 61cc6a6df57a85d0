package io.qemureactor.core.host;

import io.qemureactor.core.OperationFailedException;

/** Something went wrong talking to a host: it cannot be reached, refused us, or a file operation failed. */
public class HostException extends OperationFailedException {

    /**
     * A message naming the host and what failed.
     *
     * @param message the detail message
     */
    public HostException(String message) {
        super(message);
    }

    /**
     * As {@link #HostException(String)}, keeping the {@code cause}.
     *
     * @param message the detail message
     * @param cause the underlying failure
     */
    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}
