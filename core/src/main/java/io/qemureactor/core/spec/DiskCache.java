package io.qemureactor.core.spec;

import java.util.Locale;

/** QEMU's {@code -drive cache=} modes; the seed used {@link #NONE} (O_DIRECT, no host page cache). */
public enum DiskCache {
    /** O_DIRECT, no host page cache; the seed's mode. */
    NONE,
    /** Host page cache, writes acknowledged once cached; QEMU's default. */
    WRITEBACK,
    /** Host page cache for reads, writes acknowledged once on disk. */
    WRITETHROUGH,
    /** O_DIRECT and writes acknowledged once on disk. */
    DIRECTSYNC,
    /** Host page cache, flushes ignored: fast, loses data if the host crashes. */
    UNSAFE;

    /** {@return the value of {@code cache=}: the name in lower case} */
    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
