package io.qemureactor.core.vswitch;

import io.qemureactor.core.host.HostException;

/** The switch did not start, died, or refused a command; the message says which and quotes its output. */
public final class SwitchException extends HostException {

    public SwitchException(String message) {
        super(message);
    }

    public SwitchException(String message, Throwable cause) {
        super(message, cause);
    }
}
