package io.qemureactor.exceptions;

/**
 * The connection closed (EOF, reset, the peer died, or {@code close()} was called) while a
 * command was waiting for its reply, or a command was issued on a closed client.
 *
 * <p>The message names the peer (e.g. {@code unix:/run/vm1/qmp.sock}), because with many
 * VMs "connection closed" alone says nothing.
 */
public class QmpConnectionClosedException extends QmpException {

    private final String peer;

    public QmpConnectionClosedException(String peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    /** The peer address as text, e.g. {@code unix:/run/vm1/qmp.sock} or {@code tcp:127.0.0.1:4444}. */
    public String peer() {
        return peer;
    }
}
