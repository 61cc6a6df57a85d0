package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.exceptions.QmpProtocolException;
import java.util.Comparator;

/**
 * A QEMU version, as in the greeting and in {@code query-version}:
 * {@code {"qemu": {"major": 7, "minor": 2, "micro": 0}, "package": "Debian 1:7.2+dfsg-7"}}.
 * Ordered by major, minor, micro (the package string is ignored).
 */
public record QmpVersion(int major, int minor, int micro, String pkg) implements Comparable<QmpVersion> {

    private static final Comparator<QmpVersion> ORDER = Comparator.comparingInt(QmpVersion::major)
            .thenComparingInt(QmpVersion::minor).thenComparingInt(QmpVersion::micro);

    /**
     * Reads QMP's {@code VersionInfo} object (the greeting's {@code version}, or the return value
     * of {@code query-version}).
     *
     * @param version the object
     * @return the version
     * @throws QmpProtocolException if the object has no {@code qemu.major}
     */
    public static QmpVersion from(JsonNode version) {
        JsonNode qemu = version == null ? null : version.get("qemu");
        if (qemu == null || !qemu.has("major")) {
            throw new QmpProtocolException("not a QEMU version object: " + version);
        }
        return new QmpVersion(qemu.path("major").asInt(), qemu.path("minor").asInt(), qemu.path("micro").asInt(),
                version.path("package").asText(""));
    }

    /**
     * Compares with a minimum version, for features that need a given QEMU.
     *
     * @param major the minimum's major number
     * @param minor the minimum's minor number
     * @param micro the minimum's micro number
     * @return true if this version is {@code major.minor.micro} or newer
     */
    public boolean isAtLeast(int major, int minor, int micro) {
        return compareTo(new QmpVersion(major, minor, micro, "")) >= 0;
    }

    @Override
    public int compareTo(QmpVersion other) {
        return ORDER.compare(this, other);
    }

    /** {@return the numbers without the package, e.g. {@code 7.2.0}} */
    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
