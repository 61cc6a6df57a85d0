package io.qemureactor.core.vswitch;

import io.qemureactor.core.host.HostException;

/** The switch did not start, died, or refused a command; the message says which and quotes its output. */
public final class SwitchException extends HostException {

    /**
     * A message naming the switch and what failed.
     *
     * @param message the detail message
     */
    public SwitchException(String message) {
        super(message);
    }

    /**
     * As {@link #SwitchException(String)}, keeping the {@code cause}.
     *
     * @param message the detail message
     * @param cause the underlying failure
     */
    public SwitchException(String message, Throwable cause) {
        super(message, cause);
    }
}
