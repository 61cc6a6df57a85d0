package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/** Ready when every probe is; the first failure fails the whole. */
final class AllProbes implements BootProbe {

    private final List<BootProbe> probes;

    AllProbes(List<BootProbe> probes) {
        if (probes.isEmpty()) {
            throw new IllegalArgumentException("BootProbe.all needs at least one probe");
        }
        this.probes = List.copyOf(probes);
    }

    @Override
    public Mono<Void> await(BootContext context) {
        return Mono.when(probes.stream().map(p -> p.await(context)).toList());
    }

    @Override
    public Duration timeout() {
        return probes.stream().map(BootProbe::timeout).max(Comparator.naturalOrder()).orElseThrow();
    }

    @Override
    public String describe() {
        return probes.stream().map(BootProbe::describe).collect(Collectors.joining(" + "));
    }
}
