package io.qemureactor.core.template;

import io.qemureactor.core.ConfigurationException;

/** A template that cannot be made or restored as asked; the message is one line naming the template and why. */
public final class InvalidTemplateException extends ConfigurationException {

    private static final long serialVersionUID = 1L;

    /**
     * A message naming the template and why.
     *
     * @param message one line naming the template and why
     */
    public InvalidTemplateException(String message) {
        super(message);
    }

    /**
     * As {@link #InvalidTemplateException(String)}, keeping the {@code cause}.
     *
     * @param message one line naming the template and why
     * @param cause the underlying failure
     */
    public InvalidTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
