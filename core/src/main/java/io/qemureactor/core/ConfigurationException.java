package io.qemureactor.core;

/**
 * Bad input, detected before anything was started: nothing needs cleaning up, and the same input fails the
 * same way again. The message names what is wrong (a field, a parameter, a path) and how to fix it. One
 * branch of {@link QemuReactorException}; the other is {@link OperationFailedException}.
 */
public abstract class ConfigurationException extends QemuReactorException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message names the input at fault and the fix.
     *
     * @param message the message
     */
    protected ConfigurationException(String message) {
        super(message);
    }

    /**
     * As {@link #ConfigurationException(String)}, keeping the {@code cause} (e.g. a parse error).
     *
     * @param message the message
     * @param cause the underlying failure, kept as {@link Throwable#getCause()}
     */
    protected ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
