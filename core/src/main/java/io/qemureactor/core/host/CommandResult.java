package io.qemureactor.core.host;

import java.util.List;

/**
 * What a finished command left behind: its argv, exit status and (bounded) output.
 *
 * @param argv     the command as it was run
 * @param exitCode the process's exit status
 * @param stdout   standard output, at most {@link LocalHost#OUTPUT_LIMIT} bytes (the tail when longer)
 * @param stderr   standard error, bounded likewise
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {

    /**
     * Copies {@code argv} so the result is immutable.
     *
     * @param argv the command as it was run; copied, must not be null
     * @param exitCode the process's exit status
     * @param stdout standard output, bounded
     * @param stderr standard error, bounded
     */
    public CommandResult {
        argv = List.copyOf(argv);
    }

    /**
     * Whether the command exited with status 0.
     *
     * @return true for exit status 0
     */
    public boolean succeeded() {
        return exitCode == 0;
    }

    /**
     * One line for an error message: the program, its status and the last line of stderr.
     *
     * @return {@code PROGRAM exited with status N: LAST STDERR LINE}
     */
    public String describeFailure() {
        String last = OutputTail.lastLines(stderr, 1);
        return argv.get(0) + " exited with status " + exitCode + (last.isEmpty() ? "" : ": " + last);
    }
}
