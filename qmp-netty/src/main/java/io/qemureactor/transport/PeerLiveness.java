package io.qemureactor.transport;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import reactor.core.publisher.Mono;

/**
 * Answers "is the process behind this socket still alive?" while a client retries its
 * connection, so that a QEMU that died before creating its socket fails the connect at once
 * instead of when the connect timeout runs out.
 *
 * <p>Asynchronous because the check may need the network (a remote QEMU over SSH).
 */
@FunctionalInterface
public interface PeerLiveness {

    /** Emits {@code true} while the peer may still come up, {@code false} once it never will. */
    Mono<Boolean> isAlive();

    /** No check: only the connect timeout bounds the retries. */
    static PeerLiveness assumeAlive() {
        return () -> Mono.just(Boolean.TRUE);
    }

    /** A cheap synchronous check, e.g. {@code process::isAlive}. */
    static PeerLiveness of(BooleanSupplier check) {
        Objects.requireNonNull(check, "check");
        return () -> Mono.fromSupplier(check::getAsBoolean);
    }

    /** Alive while the given local process is. */
    static PeerLiveness ofProcess(ProcessHandle process) {
        Objects.requireNonNull(process, "process");
        return of(process::isAlive);
    }
}
