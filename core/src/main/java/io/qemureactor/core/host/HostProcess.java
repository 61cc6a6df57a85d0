package io.qemureactor.core.host;

import reactor.core.publisher.Mono;

/**
 * A long-running process the engine started on a host (QEMU), known by its exact pid so that it
 * can be stopped without ever killing by name.
 */
public interface HostProcess {

    /**
     * The host the process runs on.
     *
     * @return the host, never null
     */
    Host host();

    /**
     * Its pid on that host.
     *
     * @return the process id on {@link #host()}
     */
    long pid();

    /**
     * Completes with the exit status when the process ends (128+N when killed by signal N); hot, cached.
     *
     * @return a Mono of the exit status; every subscriber gets the same value
     */
    Mono<Integer> onExit();

    /**
     * Whether the process is still running, as far as this JVM knows now (a non-blocking check).
     *
     * @return true until the process has been seen to exit
     */
    boolean isAlive();

    /**
     * Sends {@code SIGTERM}; completes when the signal was sent, not when the process ended.
     *
     * @return a cold Mono that completes once the signal is sent
     */
    Mono<Void> terminate();

    /**
     * Sends {@code SIGKILL}; completes when the signal was sent.
     *
     * @return a cold Mono that completes once the signal is sent
     */
    Mono<Void> kill();

    /**
     * The last lines the process wrote to stderr and stdout (bounded), for error messages.
     *
     * @return a cold Mono of the last output lines (possibly empty)
     */
    Mono<String> outputTail();
}
