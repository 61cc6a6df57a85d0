package io.qemureactor.cli;

import io.qemureactor.transport.PeerAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --socket PATH}: a QMP or QGA unix socket (or {@code tcp:HOST:PORT}), checked before connecting. */
final class SocketOption {

    @Option(names = "--socket", required = true, paramLabel = "PATH",
            description = "The unix socket (or tcp:HOST:PORT) of the QEMU monitor or guest agent.")
    String socket;

    /** The address, or a one-line usage error when a unix socket path does not exist (no point waiting for it). */
    PeerAddress address() {
        PeerAddress address;
        try {
            address = PeerAddress.parse(socket);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--socket " + socket + ": " + e.getMessage());
        }
        if (address.unixPath().isPresent()) {
            Path path = address.unixPath().get();
            if (!Files.exists(path)) {
                throw CliFailure.usage("cannot connect to " + path + ": no such socket");
            }
        }
        return address;
    }
}
