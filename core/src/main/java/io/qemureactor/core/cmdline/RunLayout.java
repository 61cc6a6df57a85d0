package io.qemureactor.core.cmdline;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The files one VM owns in its run folder: one folder per VM, which needs no root and is removed as a whole
 * (where the seed put them instead: docs/command-line.md, D4).
 *
 * @param runFolder the VM's own folder; only paths are computed here, nothing is created
 */
public record RunLayout(Path runFolder) {

    /**
     * Checks that {@code runFolder} is not null.
     *
     * @param runFolder the VM's own folder
     * @throws NullPointerException if {@code runFolder} is {@code null}
     */
    public RunLayout {
        Objects.requireNonNull(runFolder, "runFolder");
    }

    /**
     * The layout of {@code runFolder}.
     *
     * @param runFolder the VM's own folder
     * @return the layout
     */
    public static RunLayout in(Path runFolder) {
        return new RunLayout(runFolder);
    }

    /** {@return the QMP monitor socket ({@code -qmp unix:...})} */
    public Path qmpSocket() {
        return runFolder.resolve("qmp.sock");
    }

    /** {@return the QGA socket on the ISA serial port} */
    public Path qgaSocket() {
        return runFolder.resolve("qga.sock");
    }

    /** {@return the QGA socket on the virtio-serial port} */
    public Path qgaVirtioSocket() {
        return runFolder.resolve("qga-virtio.sock");
    }

    /** {@return the serial console socket} */
    public Path consoleSocket() {
        return runFolder.resolve("console.sock");
    }

    /** {@return the serial console file, when the spec asks for a log file without a path} */
    public Path consoleLog() {
        return runFolder.resolve("console.log");
    }

    /** {@return the path of QEMU's pidfile ({@code -pidfile})} */
    public Path pidFile() {
        return runFolder.resolve("qemu.pid");
    }

    /** {@return the file where the launcher sends QEMU's stdout and stderr; not on the command line} */
    public Path qemuLog() {
        return runFolder.resolve("qemu.log");
    }
}
