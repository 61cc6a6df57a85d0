package io.qemureactor.cli;

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

    int exitCode() {
        return exitCode;
    }
}
