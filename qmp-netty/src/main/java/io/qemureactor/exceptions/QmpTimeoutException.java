package io.qemureactor.exceptions;

import java.time.Duration;

/**
 * Something did not happen in time: a command's reply, a connect attempt, a guest-agent
 * resynchronisation or "wait until the agent answers".
 *
 * <p>For a command timeout the connection stays usable; a reply that arrives later is
 * dropped (and logged) because its id is no longer pending.
 */
public class QmpTimeoutException extends QmpException {

    private final Duration timeout;

    public QmpTimeoutException(String message, Duration timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    /** The limit that was exceeded. */
    public Duration timeout() {
        return timeout;
    }
}
