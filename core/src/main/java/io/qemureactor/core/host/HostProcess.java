package io.qemureactor.core.host;

import reactor.core.publisher.Mono;

/**
 * A long-running process the engine started on a host (QEMU), known by its exact pid so that it
 * can be stopped without ever killing by name.
 */
public interface HostProcess {

    /** The host the process runs on. */
    Host host();

    /** Its pid on that host. */
    long pid();

    /** Completes with the exit status when the process ends (128+N when killed by signal N); hot, cached. */
    Mono<Integer> onExit();

    boolean isAlive();

    /** Sends {@code SIGTERM}; completes when the signal was sent, not when the process ended. */
    Mono<Void> terminate();

    /** Sends {@code SIGKILL}; completes when the signal was sent. */
    Mono<Void> kill();

    /** The last lines the process wrote to stderr and stdout (bounded), for error messages. */
    Mono<String> outputTail();
}
