package io.qemureactor.core.host;

import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A process on this machine; its exit is observed with {@link Process#onExit()}, no thread waits for it. */
final class LocalProcess implements HostProcess {

    private final LocalHost host;
    private final Process process;
    private final Path log;
    private final Mono<Integer> exit;

    LocalProcess(LocalHost host, Process process, Path log) {
        this.host = host;
        this.process = process;
        this.log = log;
        this.exit = Mono.fromFuture(process.onExit(), true).map(Process::exitValue).cache();
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Mono<Integer> onExit() {
        return exit;
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public Mono<Void> terminate() {
        return Mono.fromRunnable(process::destroy);
    }

    @Override
    public Mono<Void> kill() {
        return Mono.fromRunnable(process::destroyForcibly);
    }

    @Override
    public Mono<String> outputTail() {
        return Mono.fromCallable(() -> OutputTail.lastLines(LocalHost.tail(log))).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "pid " + pid() + " on " + host.name();
    }
}
