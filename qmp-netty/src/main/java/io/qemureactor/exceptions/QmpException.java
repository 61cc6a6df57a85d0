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

    public QmpException(String message) {
        super(message);
    }

    public QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
