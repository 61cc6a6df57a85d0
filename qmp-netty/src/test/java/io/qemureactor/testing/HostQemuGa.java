package io.qemureactor.testing;

import io.qemureactor.transport.PeerAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real qemu-ga running on the host ({@code qemu-ga -m unix-listen}), as a guest agent
 * peer for protocol tests without a VM. Its socket, state dir and pidfile are in a private
 * temp folder. Note that it runs commands such as {@code guest-exec} as the test's user on
 * the host: use harmless ones.
 */
public final class HostQemuGa extends PeerProcess {

    /** How long qemu-ga may take to create its socket. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);

    private final Path socket;

    private HostQemuGa(Path directory, List<String> command, Path socket) throws IOException {
        super("qemu-ga", directory, command);
        this.socket = socket;
    }

    /** Starts qemu-ga and waits until its socket exists. */
    public static HostQemuGa start() {
        try {
            Path dir = newDirectory("qr-qga");
            Path socket = dir.resolve("qga.sock");
            List<String> command = List.of("qemu-ga", "-m", "unix-listen", "-p", socket.toString(),
                    "-t", dir.toString(), "-f", dir.resolve("qemu-ga.pid").toString());
            HostQemuGa ga = new HostQemuGa(dir, command, socket);
            ga.awaitSocket(socket, STARTUP_TIMEOUT);
            return ga;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start qemu-ga: " + e.getMessage(), e);
        }
    }

    /** The agent's socket. */
    public Path socket() {
        return socket;
    }

    /** The agent's socket as a client address. */
    public PeerAddress address() {
        return PeerAddress.unix(socket);
    }
}
