package io.qemureactor.cli;

import io.qemureactor.core.host.SshHost;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import reactor.core.publisher.Mono;

/**
 * A {@code bench} subcommand measured here, or here against an SSH host with {@code --host}: the dispatch
 * ({@link HostOptions#hereOrOverSsh}) and what a cancel must await (the chosen benchmark's teardown, then the
 * host's close) in one place.
 */
abstract class HereOrOverSshBench implements ReactiveCommand {

    @Mixin
    HostOptions host;

    /** What the run started, to await after a cancel: set by {@link #here()} or {@link #overSsh} to its benchmark's. */
    private Supplier<Mono<Void>> benchSettled = Mono::empty;

    /** The benchmark on this machine alone. */
    abstract Mono<Integer> here();

    /** The benchmark here against the same over {@code ssh}. */
    abstract Mono<Integer> overSsh(SshHost ssh);

    /** Records what a cancel of the chosen benchmark must await. */
    final void awaitOnCancel(Supplier<Mono<Void>> settled) {
        benchSettled = settled;
    }

    @Override
    public final Mono<Integer> execute() {
        return host.hereOrOverSsh(this::here, this::overSsh, () -> benchSettled.get());
    }

    @Override
    public final Mono<Void> settled() {
        return Mono.when(Mono.defer(benchSettled), host.settled());
    }
}
