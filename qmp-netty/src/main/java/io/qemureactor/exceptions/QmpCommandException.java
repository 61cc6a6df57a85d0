package io.qemureactor.exceptions;

/**
 * The peer (QEMU or the guest agent) executed the command and answered with an
 * {@code {"error": {"class": ..., "desc": ...}}} object.
 *
 * <p>The connection is still usable after this error.
 */
public class QmpCommandException extends QmpException {

    private final String command;
    private final String errorClass;
    private final String description;

    public QmpCommandException(String command, String errorClass, String description) {
        super(command + " failed: " + errorClass + ": " + description);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    /** The command that failed, e.g. {@code "query-status"}. */
    public String command() {
        return command;
    }

    /** The QAPI error class, e.g. {@code "GenericError"} or {@code "CommandNotFound"}. */
    public String errorClass() {
        return errorClass;
    }

    /** The human-readable description the peer gave. */
    public String description() {
        return description;
    }
}
