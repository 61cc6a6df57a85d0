package io.qemureactor.cli;

import java.util.function.Supplier;

/** A failure a command has already put into words, with the exit code it should end with. */
final class CliFailure extends RuntimeException {

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** A usage error (exit 2): {@code error: MESSAGE}. */
    static CliFailure usage(String message) {
        return new CliFailure(OneLineErrors.USAGE, "error: " + message);
    }

    /**
     * What {@code make} makes (a benchmark, a spec), its {@link IllegalArgumentException} (the argument
     * checks of the class it constructs) as a usage error with the same message.
     */
    static <T> T usageIfIllegal(Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    int exitCode() {
        return exitCode;
    }
}
