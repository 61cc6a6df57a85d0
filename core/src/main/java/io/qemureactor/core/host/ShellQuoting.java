package io.qemureactor.core.host;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns an argv list into the one command string SSH carries, quoted for a POSIX shell so that
 * each element reaches the remote program as exactly one argument, whatever it contains.
 */
public final class ShellQuoting {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuoting() {
    }

    /**
     * One argument: left bare when it has only safe characters, otherwise in single quotes.
     *
     * @param arg one argv element
     * @return the element as a POSIX shell word
     */
    public static String quote(String arg) {
        if (!arg.isEmpty() && SAFE.matcher(arg).matches()) {
            return arg;
        }
        // Inside single quotes nothing is special but the quote itself: close, escape, reopen.
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /**
     * An argv as one POSIX shell command line, each element {@linkplain #quote(String) quoted}.
     *
     * @param argv the program and its arguments
     * @return the command line, elements separated by one space
     */
    public static String join(List<String> argv) {
        return argv.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
    }
}
