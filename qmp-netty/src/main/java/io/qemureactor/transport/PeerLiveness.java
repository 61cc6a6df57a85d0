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

    /**
     * Asks whether the peer can still come up. Called on the connecting thread after a failed
     * attempt; an error here fails the connect with that error.
     *
     * @return {@code true} while the peer may still come up, {@code false} once it never will
     *     (empty counts as alive)
     */
    Mono<Boolean> isAlive();

    /**
     * No check: only the connect timeout bounds the retries.
     *
     * @return a check that always says alive
     */
    static PeerLiveness assumeAlive() {
        return () -> Mono.just(Boolean.TRUE);
    }

    /**
     * A cheap synchronous check, e.g. {@code process::isAlive}; it must not block.
     *
     * @param check true while alive
     * @return the check
     */
    static PeerLiveness of(BooleanSupplier check) {
        Objects.requireNonNull(check, "check");
        return () -> Mono.fromSupplier(check::getAsBoolean);
    }

    /**
     * Alive while a local process is, e.g. the QEMU that will create the socket.
     *
     * @param process the process
     * @return the check
     */
    static PeerLiveness ofProcess(ProcessHandle process) {
        Objects.requireNonNull(process, "process");
        return of(process::isAlive);
    }
}
