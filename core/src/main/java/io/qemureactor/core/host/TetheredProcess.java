package io.qemureactor.core.host;

import reactor.core.publisher.Mono;

/**
 * A long-running process on a host whose stdin this JVM holds open, and writes lines to. The end of
 * its stdin (this JVM died, the SSH session dropped, or {@link #close()}) tells the process that its
 * owner is gone: that is how a {@link Reaper} learns it must act.
 */
public interface TetheredProcess {

    /** Its pid on its host. */
    long pid();

    /** Writes one line (a newline is added) to the process's stdin; completes once it is written. */
    Mono<Void> send(String line);

    /** Completes with the exit status when the process ends; hot, cached. */
    Mono<Integer> onExit();

    /** Closes the process's stdin (it sees end of input); idempotent. */
    Mono<Void> close();
}
