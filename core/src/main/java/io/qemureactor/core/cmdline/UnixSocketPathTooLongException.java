package io.qemureactor.core.cmdline;

import io.qemureactor.core.ConfigurationException;
import java.nio.file.Path;

/**
 * A unix socket path longer than Linux accepts ({@code sun_path} is 108 bytes including the NUL).
 * QEMU would fail with a terse error, or a vhost-user back-end would silently truncate the path, so
 * we refuse before launching and say how to fix it.
 */
public final class UnixSocketPathTooLongException extends ConfigurationException {

    /** The path that is too long. */
    private final Path path;
    /** Its length in UTF-8 bytes. */
    private final int length;

    /**
     * The {@code role}'s socket (QMP, QGA, ...) at {@code path} is {@code length} bytes, above {@code max}.
     *
     * @param role what the socket is for, for the message
     * @param path the socket path
     * @param length its length in UTF-8 bytes
     * @param max the most bytes allowed, without the NUL
     */
    public UnixSocketPathTooLongException(String role, Path path, int length, int max) {
        super(role + " socket path " + path + " is " + length + " bytes long, but Linux allows at most " + max
                + " (sun_path is " + (max + 1) + " bytes with the NUL): use a shorter run folder, e.g."
                + " --run-dir /tmp/qr");
        this.path = path;
        this.length = length;
    }

    /** {@return the path that is too long} */
    public Path path() {
        return path;
    }

    /** {@return the path's length in UTF-8 bytes} */
    public int length() {
        return length;
    }
}
