package io.qemureactor.exceptions;

/**
 * The connection closed (EOF, reset, the peer died, or {@code close()} was called) while a
 * command was waiting for its reply, or a command was issued on a closed client.
 *
 * <p>The message names the peer (e.g. {@code unix:/run/vm1/qmp.sock}), because with many
 * VMs "connection closed" alone says nothing.
 */
public class QmpConnectionClosedException extends QmpException {

    /** The peer address as text. */
    private final String peer;

    /**
     * A closed connection; {@link QmpExceptions#closed} builds one with the usual message.
     *
     * @param peer the peer address as text
     * @param message what was pending, naming the peer
     * @param cause the I/O error that closed the connection, or null
     */
    public QmpConnectionClosedException(String peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /**
     * The peer whose connection closed.
     *
     * @return the address as text, e.g. {@code unix:/run/vm1/qmp.sock} or {@code tcp:127.0.0.1:4444}
     */
    public String peer() {
        return peer;
    }
}
