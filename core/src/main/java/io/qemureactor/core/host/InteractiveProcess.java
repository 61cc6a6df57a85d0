package io.qemureactor.core.host;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A long-running process driven through its stdin and read from its stdout (an interactive console
 * such as {@code dpdk-testpmd -i}), started by {@link Host#startInteractive}. Known by its exact pid like
 * every {@link HostProcess}.
 */
public interface InteractiveProcess extends HostProcess {

    /**
     * What the process writes to stdout and stderr, as text in the chunks it arrives in (not split into
     * lines: a prompt has no line end). One subscriber; what arrives before it subscribes is buffered,
     * so nothing is lost between the start and the first read. Completes when the process closes its
     * output (it exited).
     */
    Flux<String> output();

    /** Writes {@code text} to the process's stdin as it is (add the {@code \n} yourself), then flushes. */
    Mono<Void> write(String text);
}
