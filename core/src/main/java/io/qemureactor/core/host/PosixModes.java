package io.qemureactor.core.host;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Octal POSIX modes ({@code 0755}) and the permission sets {@link Host#writeFile} takes, in both
 * directions: generated files carry a mode, an SSH host's {@code chmod} needs one back.
 */
public final class PosixModes {

    private PosixModes() {
    }

    /**
     * {@code 0755} -> {@code rwxr-xr-x}.
     *
     * @param mode the octal mode; only the nine permission bits are read
     * @return the permission set, modifiable
     */
    public static Set<PosixFilePermission> toPermissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & bit(p)) != 0) {
                set.add(p);
            }
        }
        return set;
    }

    /**
     * {@code rwxr-xr-x} -> {@code 0755}.
     *
     * @param permissions the permission set
     * @return the octal mode (the nine permission bits)
     */
    public static int toMode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= bit(p);
        }
        return mode;
    }

    /** The enum runs OWNER_READ (0400) ... OTHERS_EXECUTE (0001). */
    private static int bit(PosixFilePermission p) {
        return 1 << (8 - p.ordinal());
    }
}
