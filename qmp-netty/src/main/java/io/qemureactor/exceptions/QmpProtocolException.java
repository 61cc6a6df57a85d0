package io.qemureactor.exceptions;

/**
 * The peer sent bytes that are not the protocol: malformed JSON, a message over the size
 * limit, a greeting without a version. For QMP this is fatal: the connection is closed and
 * every pending command fails with this exception, since a lost reply would otherwise leave
 * a command waiting until its timeout.
 */
public class QmpProtocolException extends QmpException {

    /**
     * A protocol error without a cause.
     *
     * @param message what the peer sent wrong
     */
    public QmpProtocolException(String message) {
        super(message);
    }

    /**
     * A protocol error with a cause.
     *
     * @param message what the peer sent wrong
     * @param cause the parser's or decoder's error
     */
    public QmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
