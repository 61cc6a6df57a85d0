package io.qemureactor.core.cmdline;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds one option value such as {@code socket,id=qga0,path=/run/x/qga.sock,server=on,wait=off}:
 * an optional leading word (a driver or backend) followed by {@code key=value} pairs, with every
 * caller-supplied value escaped by {@link OptionEscaper}. Fixed parts we write ourselves go through
 * {@link #raw(String)}.
 */
public final class QemuOptionValue {

    private final List<String> parts = new ArrayList<>();

    private QemuOptionValue() {
    }

    /**
     * Starts with a leading word, e.g. {@code socket} or {@code virtio-net-pci}; the word is escaped too.
     *
     * @param first the leading word
     * @return a new, mutable value (not thread-safe)
     */
    public static QemuOptionValue of(String first) {
        QemuOptionValue v = new QemuOptionValue();
        v.parts.add(OptionEscaper.escape(first));
        return v;
    }

    /**
     * Adds {@code key=value}, escaping the value.
     *
     * @param key the key, written as is
     * @param value the value, as {@link String#valueOf(Object)}
     * @return this value
     */
    public QemuOptionValue with(String key, Object value) {
        parts.add(key + "=" + OptionEscaper.escape(String.valueOf(value)));
        return this;
    }

    /**
     * Adds {@code key=on} or {@code key=off}.
     *
     * @param key the key, written as is
     * @param on the flag
     * @return this value
     */
    public QemuOptionValue flag(String key, boolean on) {
        parts.add(key + (on ? "=on" : "=off"));
        return this;
    }

    /**
     * Adds a fixed text we control (already in QEMU syntax), unescaped.
     *
     * @param text the text, e.g. {@code server=on}
     * @return this value
     */
    public QemuOptionValue raw(String text) {
        parts.add(text);
        return this;
    }

    @Override
    public String toString() {
        return String.join(",", parts);
    }
}
