package io.qemureactor.core.spec;

import java.util.Locale;

/** QEMU's {@code -drive cache=} modes; the seed used {@link #NONE} (O_DIRECT, no host page cache). */
public enum DiskCache {
    NONE,
    WRITEBACK,
    WRITETHROUGH,
    DIRECTSYNC,
    UNSAFE;

    public String qemuName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
