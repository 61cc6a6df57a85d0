package io.qemureactor.cli;

import reactor.core.Exceptions;

/** Helpers to show a user one line for an exception, whatever wraps it. */
final class Errors {

    private Errors() {
    }

    /** Removes the wrappers Reactor and the JDK put around the exception that says what happened. */
    static Throwable unwrap(Throwable t) {
        Throwable current = Exceptions.unwrap(t);
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current instanceof java.lang.reflect.UndeclaredThrowableException
                || (current instanceof RuntimeException && current.getClass() == RuntimeException.class))
                && current.getCause() != null) {
            current = Exceptions.unwrap(current.getCause());
        }
        return current;
    }

    /** The exception's message on one line; its type where it has no message. */
    static String oneLine(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
