package io.qemureactor.core.host;

import java.util.List;

/** The last few lines of a process's output, which is what an error message needs of it. */
public final class OutputTail {

    /** How many lines an error message quotes. */
    public static final int LINES = 20;

    private OutputTail() {
    }

    public static String lastLines(String text) {
        return lastLines(text, LINES);
    }

    public static String lastLines(String text, int n) {
        List<String> lines = text.strip().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
