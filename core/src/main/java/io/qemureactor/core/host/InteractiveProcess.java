package io.qemureactor.core.host;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A long-running process driven through its stdin and read from its stdout, started by
 * {@link Host#startInteractive}: an interactive console such as {@code dpdk-testpmd -i}, or a helper
 * whose stdin this JVM holds open so that its end tells the helper this JVM is gone (the host's
 * {@link Reaper}: the kernel closes a pipe when its JVM dies, however it dies, and sshd closes an exec
 * channel's stdin when the channel or the session ends). Known by its exact pid like every {@link HostProcess}.
 */
public interface InteractiveProcess extends HostProcess {

    /**
     * What the process writes to stdout and stderr, as text in the chunks it arrives in (not split into
     * lines: a prompt has no line end). One subscriber; what arrives before it subscribes is buffered,
     * so nothing is lost between the start and the first read. Completes when the process closes its
     * output (it exited).
     *
     * @return a Flux of output chunks, for a single subscriber
     */
    Flux<String> output();

    /**
     * Writes {@code text} to the process's stdin as it is (add the {@code \n} yourself), then flushes.
     *
     * @param text the text to write, sent verbatim
     * @return a cold Mono that completes once the text is written and flushed
     */
    Mono<Void> write(String text);

    /**
     * Closes the process's stdin (it reads end of input); idempotent. The process keeps running until it exits.
     *
     * @return a cold Mono that completes once stdin is closed
     */
    Mono<Void> closeInput();
}
