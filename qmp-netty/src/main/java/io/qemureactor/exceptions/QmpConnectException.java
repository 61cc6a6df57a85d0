package io.qemureactor.exceptions;

/**
 * A session could not be established: the peer's liveness check said it is dead, or the
 * greeting / negotiation failed. (Running out of time while connecting raises
 * {@link QmpTimeoutException}, whose cause is the last connection error.)
 */
public class QmpConnectException extends QmpException {

    /** The peer address as text. */
    private final String peer;

    /**
     * A failed connect.
     *
     * @param peer the peer address as text
     * @param message what failed, naming the peer
     * @param cause the last connect error, or null
     */
    public QmpConnectException(String peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /**
     * The peer that could not be reached.
     *
     * @return the address as text, e.g. {@code unix:/run/vm1/qmp.sock}
     */
    public String peer() {
        return peer;
    }
}
