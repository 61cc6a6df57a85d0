package io.qemureactor.core.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a spec sends the guest's first serial port (the kernel console): a unix socket in the run folder
 * (the default, read by the engine as bytes arrive), a file, or nowhere. This is the spec of the console;
 * the live connection to a socket console is qmp-netty's {@code io.qemureactor.console.SerialConsole}.
 * How this differs from the seed's consoles: docs/command-line.md, D8.
 */
public sealed interface ConsoleSpec permits ConsoleSpec.UnixSocket, ConsoleSpec.LogFile, ConsoleSpec.None {

    /** {@return a listening unix socket at the run folder's {@code console.sock} (the default)} */
    static UnixSocket unixSocket() {
        return new UnixSocket();
    }

    /** {@return a log file at the run folder's {@code console.log}} */
    static LogFile logFile() {
        return new LogFile(Optional.empty());
    }

    /**
     * A log file at {@code path}.
     *
     * @param path the file, absolute
     * @return the console spec
     */
    static LogFile logFile(Path path) {
        return new LogFile(Optional.of(path));
    }

    /** {@return no serial console (and no {@code console=} on a kernel command line)} */
    static None none() {
        return new None();
    }

    /** A listening unix socket in the run folder, which QEMU also logs to {@code console.log}. */
    record UnixSocket() implements ConsoleSpec {
    }

    /**
     * A file QEMU writes the console to.
     *
     * @param path the file; empty means the run folder's {@code console.log}
     */
    record LogFile(Optional<Path> path) implements ConsoleSpec {
        /**
         * Checks that {@code path} is not null (it may be empty).
         *
         * @param path the file; empty means the run folder's {@code console.log}
         * @throws NullPointerException if {@code path} is {@code null}
         */
        public LogFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** No console device. */
    record None() implements ConsoleSpec {
    }
}
