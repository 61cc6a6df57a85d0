package io.qemureactor.core.function;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** Parameter checks shared by the generators; every message starts with the parameter's name. */
final class Checks {

    /** One word of a config file or CLI line: no whitespace, no control characters, no braces. */
    private static final Pattern TOKEN = Pattern.compile("[^\\s\\p{Cntrl}{}]+");
    /** A DPDK core list: {@code 1-3}, {@code 1,3-4}. */
    private static final Pattern CORELIST = Pattern.compile("\\d{1,4}(-\\d{1,4})?(,\\d{1,4}(-\\d{1,4})?)*");

    private Checks() {
    }

    static String token(String parameter, String value) {
        if (value == null) {
            throw new InvalidFunctionConfigException(parameter, "is required");
        }
        if (!TOKEN.matcher(value).matches()) {
            throw new InvalidFunctionConfigException(parameter, "'" + PciAddress.printable(value)
                    + "' must be one word without spaces, control characters or braces");
        }
        return value;
    }

    /** A non-null DPDK core list; the message shows {@code example} (e.g. "1-3 or 1,3-4"). */
    static String corelist(String parameter, String value, String example) {
        Objects.requireNonNull(value, parameter);
        if (!CORELIST.matcher(value).matches()) {
            throw new InvalidFunctionConfigException(parameter, "'" + PciAddress.printable(value)
                    + "' is not a core list like " + example);
        }
        return value;
    }

    /** An absolute path that fits on one line of a script or config. */
    static Path absolutePath(String parameter, Path path) {
        if (path == null) {
            throw new InvalidFunctionConfigException(parameter, "is required");
        }
        if (!path.isAbsolute()) {
            throw new InvalidFunctionConfigException(parameter, "'" + path
                    + "' must be an absolute path (it is read inside the guest, whose working directory is /)");
        }
        noLineBreaks(parameter, path.toString());
        return path;
    }

    /** Rejects CR, LF and NUL, which would split a script or config line, and which a shell cannot carry. */
    static String noLineBreaks(String parameter, String value) {
        if (value == null) {
            throw new InvalidFunctionConfigException(parameter, "is required");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new InvalidFunctionConfigException(parameter, "'" + PciAddress.printable(value)
                    + "' must not contain line breaks or NUL");
        }
        return value;
    }

    static int atLeast(String parameter, int value, int min) {
        if (value < min) {
            throw new InvalidFunctionConfigException(parameter, value + " must be at least " + min);
        }
        return value;
    }
}
