package io.qemureactor.core.junit;

/**
 * A VM's console, attached to a failed test's exception as a suppressed exception: test reports
 * (Surefire's console, {@code .txt} and {@code .xml}, an IDE's failure view) print suppressed
 * exceptions with their messages, so the guest's side of a failure is there without any logging
 * setup. It has no stack trace of its own; its message is the text.
 */
public final class ConsoleTail extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ConsoleTail(String message) {
        super(message, null, false, false);
    }
}
