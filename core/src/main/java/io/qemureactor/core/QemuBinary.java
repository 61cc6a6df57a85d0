package io.qemureactor.core;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import java.util.List;
import java.util.Objects;
import reactor.core.publisher.Mono;

/** A QEMU system emulator binary on a host, for example {@code qemu-system-x86_64}. */
public final class QemuBinary {

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

    public static QemuBinary of(Host host, String program) {
        return new QemuBinary(host, program);
    }

    public Host host() {
        return host;
    }

    public String program() {
        return program;
    }

    /** {@return the version from {@code PROGRAM --version}; fails with a message naming the program when it cannot tell} */
    public Mono<QemuVersion> version() {
        return host.exec(List.of(program, "--version")).map(result -> {
            if (!result.succeeded()) {
                throw new IllegalStateException(result.describeFailure());
            }
            return QemuVersion.parse(result.stdout());
        });
    }
}
