package io.qemureactor.exceptions;

/**
 * Root of every error raised by the QMP and QGA clients.
 *
 * <p>Catch this type to handle "anything went wrong talking to QEMU or its guest agent";
 * catch a subtype to react to one cause: {@link QmpCommandException} (the peer answered
 * with an error), {@link QmpConnectionClosedException} (the socket closed while we waited),
 * {@link QmpConnectException} (we never got a session), {@link QmpProtocolException} (the
 * peer sent something that is not the protocol) and {@link QmpTimeoutException}.
 */
public class QmpException extends RuntimeException {

    /**
     * An error without a cause.
     *
     * @param message what went wrong, naming the peer where there is one
     */
    public QmpException(String message) {
        super(message);
    }

    /**
     * An error with a cause.
     *
     * @param message what went wrong, naming the peer where there is one
     * @param cause the underlying error, or null
     */
    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
