package io.qemureactor.core;

import java.util.regex.Pattern;

/** Text for error messages and events, so they read the same from every part of the engine. */
public final class Messages {

    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");

    private Messages() {
    }

    /**
     * The exception's message on one line (its type when it has none): line breaks and the white space
     * around them become one space.
     *
     * @param t the exception
     * @return its message, stripped, on one line
     */
    public static String oneLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return LINE_BREAK.matcher(message.strip()).replaceAll(" ");
    }
}
