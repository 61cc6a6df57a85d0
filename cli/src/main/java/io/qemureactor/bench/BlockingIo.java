package io.qemureactor.bench;

import java.util.concurrent.Callable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Where the benchmarks' blocking calls run: a baseline that stands for "code without our engine" (a plain
 * blocking socket, a file read, {@code ProcessBuilder.start}) runs as it is, but on a
 * {@link Schedulers#boundedElastic()} worker, never on a thread of its own and never on an event loop.
 */
final class BlockingIo {

    private BlockingIo() {
    }

    /** {@code call} on a bounded-elastic worker, when subscribed. */
    static <T> Mono<T> call(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }

    /** {@code run} on a bounded-elastic worker, when subscribed. */
    static Mono<Void> run(Runnable run) {
        return Mono.<Void>fromRunnable(run).subscribeOn(Schedulers.boundedElastic());
    }
}
