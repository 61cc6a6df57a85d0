package io.qemureactor.core.host;

import reactor.core.publisher.Mono;

/**
 * What every {@link InteractiveProcess} shares, here and over SSH: the pid, exit and signals are those of
 * the {@link HostProcess} it wraps, and its stdin is written through a {@link ProcessInput}. Subclasses
 * say how the output is read.
 */
abstract class AbstractInteractiveProcess implements InteractiveProcess {

    private final HostProcess process;
    private final ProcessInput input;

    AbstractInteractiveProcess(HostProcess process, ProcessInput input) {
        this.process = process;
        this.input = input;
    }

    @Override
    public final Mono<Void> write(String text) {
        return input.write(text);
    }

    @Override
    public final Mono<Void> closeInput() {
        return input.close();
    }

    @Override
    public final Host host() {
        return process.host();
    }

    @Override
    public final long pid() {
        return process.pid();
    }

    @Override
    public final Mono<Integer> onExit() {
        return process.onExit();
    }

    @Override
    public final boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public final Mono<Void> terminate() {
        return process.terminate();
    }

    @Override
    public final Mono<Void> kill() {
        return process.kill();
    }

    @Override
    public final String toString() {
        return process.toString();
    }
}
