package io.qemureactor.core.function;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file a network function needs in the VM's run folder: where (relative to the run folder), what
 * and with which permission bits. A value only: the launch pipeline writes it through the {@code Host}
 * (local or SSH) and removes it with the run folder. The seed wrote these into {@code /etc} and
 * {@code /etc/vpp} with {@code sudo tee}, which needed root and outlived the VM.
 *
 * @param relativePath path under the run folder, without {@code ..}
 * @param content      the file's text, written as UTF-8
 * @param mode POSIX permission bits, e.g. {@code 0644}, {@code 0755} for the init script
 */
public record GeneratedFile(Path relativePath, String content, int mode) {

    /** {@code rw-r--r--}: configuration files. */
    public static final int MODE_CONFIG = 0644;
    /** {@code rwxr-xr-x}: the init script. */
    public static final int MODE_EXECUTABLE = 0755;

    /**
     * Checks the components.
     *
     * @param relativePath path under the run folder, without {@code ..}
     * @param content      the file's text, written as UTF-8
     * @param mode         POSIX permission bits within {@code 0777}
     * @throws InvalidFunctionConfigException naming {@code relativePath} if it is absolute, empty, not
     *     normalized or leaves the run folder, or {@code mode} if it has bits outside {@code 0777}
     * @throws NullPointerException if {@code relativePath} or {@code content} is null
     */
    public GeneratedFile {
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(content, "content");
        if (relativePath.isAbsolute() || relativePath.toString().isEmpty()
                || !relativePath.normalize().equals(relativePath) || relativePath.startsWith("..")) {
            throw new InvalidFunctionConfigException("relativePath", "'" + relativePath
                    + "' must be a normalized path inside the run folder");
        }
        if ((mode & ~0777) != 0) {
            throw new InvalidFunctionConfigException("mode", Integer.toOctalString(mode) + " is not 0..0777");
        }
    }

    /**
     * Where the file lands for a run folder.
     *
     * @param runFolder the VM's run folder (absolute in practice)
     * @return {@code runFolder} resolved against {@link #relativePath()}
     */
    public Path in(Path runFolder) {
        return runFolder.resolve(relativePath);
    }

    /**
     * The mode as {@code chmod} takes it.
     *
     * @return the octal text without a leading zero, e.g. {@code 755}
     */
    public String octalMode() {
        return Integer.toOctalString(mode);
    }
}
