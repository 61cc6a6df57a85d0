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

    /** Reads the {@code VersionInfo} object. */
    public static QmpVersion from(JsonNode version) {
        JsonNode qemu = version == null ? null : version.get("qemu");
        if (qemu == null || !qemu.has("major")) {
            throw new QmpProtocolException("not a QEMU version object: " + version);
        }
        return new QmpVersion(qemu.path("major").asInt(), qemu.path("minor").asInt(), qemu.path("micro").asInt(),
                version.path("package").asText(""));
    }

    /** True if this version is {@code major.minor.micro} or newer. */
    public boolean isAtLeast(int major, int minor, int micro) {
        return compareTo(new QmpVersion(major, minor, micro, "")) >= 0;
    }

    @Override
    public int compareTo(QmpVersion other) {
        return ORDER.compare(this, other);
    }

    /** {@code 7.2.0}. */
    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
