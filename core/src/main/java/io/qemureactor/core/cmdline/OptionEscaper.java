package io.qemureactor.core.cmdline;

/**
 * QEMU's escaping for values inside a comma-separated option list ({@code -chardev}, {@code -drive},
 * {@code -fsdev}, {@code -object}, ...): a literal comma is written as two commas, so
 * {@code path=/a,b} becomes {@code path=/a,,b}. Nothing else needs escaping because argv elements
 * never pass through a shell. Options that QEMU does not parse as a list ({@code -kernel},
 * {@code -initrd}, {@code -append}, {@code -pidfile}) take their value verbatim and must not be escaped.
 */
public final class OptionEscaper {

    private OptionEscaper() {
    }

    /**
     * Doubles every comma in {@code value}.
     *
     * @param value the text to put inside an option list
     * @return the escaped text
     */
    public static String escape(String value) {
        return value.replace(",", ",,");
    }
}
