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
     * Asks the host to remove {@code folder} as soon as this process exits, in the step that reports
     * the exit, so that stopping a process and removing its folder cost the owner one round trip to
     * the host, not two (over SSH each is a command through the remote shell: ~13 ms of a ~40 ms
     * stop here). Whether the folder was removed shows in {@link #removedOnExit()} once
     * {@link #onExit()} has emitted; when it was not (the process exited before the request arrived,
     * the removal failed, or the host does not do this), the owner removes it as before.
     *
     * <p>Over SSH the request is sent, not awaited: it reaches the host before whatever the caller sends
     * next on the same session (the stop's QMP {@code quit} or signal), and is read there before QEMU can
     * have handled that and exited.
     *
     * @param folder an absolute path on {@link #host()}
     * @return completes with true once the request is on its way to the host, false when the host does not
     *     do this (a local host, where removing a folder costs no round trip) or the process has exited
     */
    default Mono<Boolean> removeOnExit(String folder) {
        return Mono.just(false);
    }

    /**
     * Whether the folder given to {@link #removeOnExit(String)} was removed with the exit.
     *
     * @return true only once {@link #onExit()} has emitted and the host removed the folder
     */
    default boolean removedOnExit() {
        return false;
    }

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
