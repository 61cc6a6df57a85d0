package io.qemureactor.core.template;

/** A template that cannot be made or restored as asked; the message is one line naming the template and why. */
public final class InvalidTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidTemplateException(String message) {
        super(message);
    }

    public InvalidTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
