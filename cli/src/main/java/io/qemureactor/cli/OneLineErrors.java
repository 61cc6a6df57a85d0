package io.qemureactor.cli;

import io.qemureactor.exceptions.QmpCommandException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr and an exit code: 2 for bad input and for errors
 * the engine raises; commands that need a different code throw {@link CliFailure}.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    /** The peer refused the command (a QMP or QGA error reply). */
    static final int REFUSED = 1;
    /** Anything else: bad input, a missing program, cannot connect, a timeout. */
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parseResult) {
        PrintWriter err = cli.getErr();
        Throwable cause = FailureText.unwrap(ex);
        if (cause instanceof CliFailure failure) {
            err.println(failure.getMessage());
            err.flush();
            return failure.exitCode();
        }
        if (cause instanceof QmpCommandException refused) {
            err.println("ERROR " + refused.errorClass() + ": " + refused.description());
            err.flush();
            return REFUSED;
        }
        err.println("error: " + FailureText.oneLine(cause));
        err.flush();
        return USAGE;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("error: " + ex.getMessage() + " (see: qemu-reactor "
                + qualifiedName(ex.getCommandLine()) + "--help)");
        err.flush();
        return USAGE;
    }

    private static String qualifiedName(CommandLine cli) {
        String name = cli.getCommandSpec().qualifiedName(" ");
        int space = name.indexOf(' ');
        return space < 0 ? "" : name.substring(space + 1) + " ";
    }
}
