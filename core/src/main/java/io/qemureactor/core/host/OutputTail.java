package io.qemureactor.core.host;

import java.util.List;

/** The last few lines of a process's output, which is what an error message needs of it. */
public final class OutputTail {

    /** How many lines an error message quotes. */
    public static final int LINES = 20;

    private OutputTail() {
    }

    /**
     * The last {@link #LINES} lines of {@code text}, stripped of leading and trailing blanks.
     *
     * @param text the output, never null
     * @return at most {@link #LINES} lines joined with {@code \n}; empty for blank text
     */
    public static String lastLines(String text) {
        return lastLines(text, LINES);
    }

    /**
     * The last {@code n} lines of {@code text}, stripped of leading and trailing blanks.
     *
     * @param text the output, never null
     * @param n how many lines to keep, at least 0
     * @return at most {@code n} lines joined with {@code \n}; empty for blank text
     */
    public static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
