package io.qemureactor.core;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/** A QEMU system emulator binary on a host, for example {@code qemu-system-x86_64}. */
public final class QemuBinary {

    /** The x86_64 system emulator's program name. */
    public static final String X86_64 = "qemu-system-x86_64";

    private final Host host;
    private final String program;

    private QemuBinary(Host host, String program) {
        this.host = Objects.requireNonNull(host, "host");
        this.program = Objects.requireNonNull(program, "program");
    }

    /** {@return the x86_64 emulator on the PATH of this machine} */
    public static QemuBinary local() {
        return new QemuBinary(LocalHost.instance(), X86_64);
    }

    /**
     * The emulator {@code program} on {@code host}; nothing is checked until it is used.
     *
     * @param host the host that runs it
     * @param program the program name (looked up on the host's PATH) or path
     * @return the binary
     * @throws NullPointerException if an argument is {@code null}
     */
    public static QemuBinary of(Host host, String program) {
        return new QemuBinary(host, program);
    }

    /** {@return the host that runs the emulator} */
    public Host host() {
        return host;
    }

    /** {@return the program name or path, as given} */
    public String program() {
        return program;
    }

    /**
     * Runs {@code PROGRAM --version} on the host and parses its output. Cold: the program runs on each
     * subscription.
     *
     * @return a Mono of the version; it fails with {@link io.qemureactor.core.host.CommandNotFoundException}
     *         if the program is not installed, with {@link IllegalStateException} describing the failed run
     *         if it exits non-zero, or with {@link IllegalArgumentException} if the output holds no version
     */
    public Mono<QemuVersion> version() {
        return host.exec(List.of(program, "--version")).map(result -> {
            if (!result.succeeded()) {
                throw new IllegalStateException(result.describeFailure());
            }
            return QemuVersion.parse(result.stdout());
        });
    }
}
