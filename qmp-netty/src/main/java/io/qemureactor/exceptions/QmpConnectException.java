package io.qemureactor.exceptions;

/**
 * A session could not be established: the peer's liveness check said it is dead, or the
 * greeting / negotiation failed. (Running out of time while connecting raises
 * {@link QmpTimeoutException}, whose cause is the last connection error.)
 */
public class QmpConnectException extends QmpException {

    private final String peer;

    public QmpConnectException(String peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /** The peer address as text. */
    public String peer() {
        return peer;
    }
}
