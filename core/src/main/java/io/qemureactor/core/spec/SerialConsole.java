package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the guest's first serial port (the kernel console) goes. The seed used a TCP port for the
 * nested VM and a log file for the kernel VM, polled by {@code tail}; we prefer a unix socket in the
 * run folder that the engine reads as bytes arrive.
 */
public sealed interface SerialConsole permits SerialConsole.UnixSocket, SerialConsole.LogFile, SerialConsole.None {

    /** A listening unix socket at the run folder's {@code console.sock} (the default). */
    static UnixSocket unixSocket() {
        return new UnixSocket();
    }

    /** A file; empty path means the run folder's {@code console.log}. */
    static LogFile logFile() {
        return new LogFile(Optional.empty());
    }

    static LogFile logFile(Path path) {
        return new LogFile(Optional.of(path));
    }

    /** No serial console (and no {@code console=} on a kernel command line). */
    static None none() {
        return new None();
    }

    record UnixSocket() implements SerialConsole {
    }

    record LogFile(Optional<Path> path) implements SerialConsole {
        public LogFile {
            Objects.requireNonNull(path, "path");
        }
    }

    record None() implements SerialConsole {
    }
}
