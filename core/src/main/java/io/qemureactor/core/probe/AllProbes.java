package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/** Ready when every probe is; the first failure fails the whole. */
final class AllProbes extends AbstractBootProbe {

    private final List<BootProbe> probes;

    AllProbes(List<BootProbe> probes) {
        super(describe(probes), longest(probes));
        this.probes = List.copyOf(probes);
    }

    private static String describe(List<BootProbe> probes) {
        return probes.stream().map(BootProbe::describe).collect(Collectors.joining(" + "));
    }

    private static Duration longest(List<BootProbe> probes) {
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("BootProbe.all needs at least one probe");
        }
        return probes.stream().map(BootProbe::timeout).max(Comparator.naturalOrder()).orElseThrow();
    }

    /** Each probe keeps its own bound: the whole's is the longest of them. */
    @Override
    protected Mono<Void> await(BootContext context, Duration timeout) {
        return Mono.when(probes.stream().map(p -> p.await(context)).toList());
    }

    /** Every probe gets the new bound, so that none of them gives up before it (the agent's retries). */
    @Override
    public BootProbe withTimeout(Duration timeout) {
        return new AllProbes(probes.stream().map(p -> p.withTimeout(timeout)).toList());
    }
}
