package io.qemureactor.exceptions;

/**
 * The peer (QEMU or the guest agent) executed the command and answered with an
 * {@code {"error": {"class": ..., "desc": ...}}} object.
 *
 * <p>The connection is still usable after this error.
 */
public class QmpCommandException extends QmpException {

    /** The command that failed. */
    private final String command;
    /** The QAPI error class. */
    private final String errorClass;
    /** The peer's description. */
    private final String description;

    /**
     * An error reply; {@link QmpExceptions#commandFailed} builds one from the reply's JSON.
     *
     * @param command the command that failed
     * @param errorClass the reply's {@code class}
     * @param description the reply's {@code desc}
     */
    public QmpCommandException(String command, String errorClass, String description) {
        super(command + " failed: " + errorClass + ": " + description);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    /**
     * The command that failed.
     *
     * @return e.g. {@code "query-status"}
     */
    public String command() {
        return command;
    }

    /**
     * The QAPI error class, to react to one kind of failure.
     *
     * @return e.g. {@code "GenericError"} or {@code "CommandNotFound"}
     */
    public String errorClass() {
        return errorClass;
    }

    /**
     * The human-readable description the peer gave.
     *
     * @return the reply's {@code desc}
     */
    public String description() {
        return description;
    }
}
