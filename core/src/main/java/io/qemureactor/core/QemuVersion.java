package io.qemureactor.core;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A QEMU version, comparable numerically so that {@code 10.0 > 9.2 > 7.2.22}.
 *
 * <p>The seed compared versions as strings, which orders {@code 10.0} before {@code 9.2}; this
 * type compares major, minor and micro as numbers. The {@code package} part (for example
 * {@code Debian 1:7.2+dfsg-7+deb12u18}) is kept for display and ignored by comparisons.
 */
public final class QemuVersion implements Comparable<QemuVersion> {

    private static final Pattern VERSION_LINE =
            Pattern.compile("QEMU emulator version (\\d+)\\.(\\d+)(?:\\.(\\d+))?(?:\\s*\\(([^)]*)\\))?");
    private static final Pattern BARE = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    private final int major;
    private final int minor;
    private final int micro;
    private final String pkg;

    /**
     * A version from its parts.
     *
     * @param major the major number
     * @param minor the minor number
     * @param micro the micro number
     * @param pkg the distribution's package version, trimmed; {@code null} or empty for none
     * @throws IllegalArgumentException if a number is negative
     */
    public QemuVersion(int major, int minor, int micro, String pkg) {
        if (major < 0 || minor < 0 || micro < 0) {
            throw new IllegalArgumentException("version numbers must not be negative: " + major + "." + minor + "." + micro);
        }
        this.major = major;
        this.minor = minor;
        this.micro = micro;
        this.pkg = pkg == null ? "" : pkg.trim();
    }

    /**
     * A version without a package part, e.g. {@code of(7, 2, 0)} for a minimum to compare against.
     *
     * @param major the major number
     * @param minor the minor number
     * @param micro the micro number
     * @return the version
     * @throws IllegalArgumentException if a number is negative
     */
    public static QemuVersion of(int major, int minor, int micro) {
        return new QemuVersion(major, minor, micro, "");
    }

    /**
     * Parses the output of {@code qemu-system-* --version}
     * ({@code QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)}) or a bare
     * {@code 7.2.22}. A missing micro number is 0.
     *
     * @param text the output or the bare number
     * @return the version
     * @throws NullPointerException if {@code text} is {@code null}
     * @throws IllegalArgumentException naming the text when no version is found in it
     */
    public static QemuVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher m = VERSION_LINE.matcher(text);
        if (m.find()) {
            return new QemuVersion(num(m.group(1)), num(m.group(2)), num(m.group(3)), m.group(4));
        }
        Matcher bare = BARE.matcher(text.trim());
        if (bare.matches()) {
            return new QemuVersion(num(bare.group(1)), num(bare.group(2)), num(bare.group(3)), "");
        }
        String firstLine = text.strip().lines().findFirst().orElse("");
        throw new IllegalArgumentException("not a QEMU version: '" + firstLine + "'");
    }

    private static int num(String group) {
        return group == null ? 0 : Integer.parseInt(group);
    }

    /** {@return the major number, e.g. 7 in 7.2.22} */
    public int major() {
        return major;
    }

    /** {@return the minor number, e.g. 2 in 7.2.22} */
    public int minor() {
        return minor;
    }

    /** {@return the micro number, e.g. 22 in 7.2.22; 0 when the version had none} */
    public int micro() {
        return micro;
    }

    /** {@return the distribution's package version, for example {@code Debian 1:7.2+dfsg-7+deb12u18}; may be empty} */
    public String packageVersion() {
        return pkg;
    }

    /**
     * Whether this version is {@code other} or newer, comparing the numbers only.
     *
     * @param other the minimum
     * @return {@code true} if this version is not older than {@code other}
     */
    public boolean isAtLeast(QemuVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(QemuVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(micro, o.micro);
    }

    /** {@return the numbers only, e.g. {@code 7.2.22}} */
    public String number() {
        return major + "." + minor + "." + micro;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QemuVersion v && major == v.major && minor == v.minor && micro == v.micro;
    }

    @Override
    public int hashCode() {
        return Objects.hash(major, minor, micro);
    }

    /** {@code 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18)}, as {@code --version} shows it. */
    @Override
    public String toString() {
        return pkg.isEmpty() ? number() : number() + " (" + pkg + ")";
    }
}
