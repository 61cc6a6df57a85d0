package io.qemureactor.testing;

import io.qemureactor.transport.PeerAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real QEMU without a guest ({@code -machine none}, TCG): the cheapest real QMP peer.
 * Started in a private temp folder with its monitor at {@code DIR/qmp.sock}; use from a
 * test through {@link QemuMachineNoneExtension}, or directly with try-with-resources.
 */
public final class QemuMachineNone extends PeerProcess {

    /** How long QEMU may take to create its monitor socket. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final Path qmpSocket;

    private QemuMachineNone(Path directory, List<String> command, Path qmpSocket) throws IOException {
        super("qemu", directory, command);
        this.qmpSocket = qmpSocket;
    }

    /** Starts QEMU and waits until its monitor socket exists. */
    public static QemuMachineNone start() {
        return start(List.of());
    }

    /** Starts QEMU with extra arguments appended, and waits until its monitor socket exists. */
    public static QemuMachineNone start(List<String> extraArgs) {
        QemuMachineNone qemu = startWithoutWaiting(extraArgs);
        qemu.awaitSocket(qemu.qmpSocket, STARTUP_TIMEOUT);
        return qemu;
    }

    /** Starts QEMU and returns at once (for tests of clients that wait for the socket themselves). */
    public static QemuMachineNone startWithoutWaiting(List<String> extraArgs) {
        try {
            Path dir = newDirectory("qr-qemu");
            Path socket = dir.resolve("qmp.sock");
            List<String> command = new ArrayList<>(List.of("qemu-system-x86_64",
                    "-machine", "none", "-accel", "tcg", "-nodefaults", "-no-user-config", "-display", "none",
                    "-qmp", "unix:" + socket + ",server=on,wait=off"));
            command.addAll(extraArgs);
            return new QemuMachineNone(dir, command, socket);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start qemu-system-x86_64: " + e.getMessage(), e);
        }
    }

    /** The QMP monitor socket. */
    public Path qmpSocket() {
        return qmpSocket;
    }

    /** The QMP monitor as a client address. */
    public PeerAddress qmpAddress() {
        return PeerAddress.unix(qmpSocket);
    }
}
