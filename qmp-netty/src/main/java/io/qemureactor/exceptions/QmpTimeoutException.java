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

    /** The limit that was exceeded. */
    private final Duration timeout;

    /**
     * A timeout; {@link QmpExceptions#timeout} builds one with the usual message.
     *
     * @param message what did not complete in time
     * @param timeout the limit
     * @param cause the last error before the time ran out (a connect's), or null
     */
    public QmpTimeoutException(String message, Duration timeout, Throwable cause) {
        super(message, cause);
        this.timeout = timeout;
    }

    /**
     * The limit that was exceeded.
     *
     * @return the timeout in force
     */
    public Duration timeout() {
        return timeout;
    }
}
