package io.qemureactor.core.probe;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** One probe, then another ({@link BootProbe#then}): ready when the second is, bounded by both bounds together. */
final class SequenceProbe implements BootProbe {

    private final BootProbe first;
    private final BootProbe next;

    SequenceProbe(BootProbe first, BootProbe next) {
        this.first = first;
        this.next = next;
    }

    @Override
    public Mono<Void> await(BootContext context) {
        return first.await(context).then(Mono.defer(() -> next.await(context)));
    }

    @Override
    public Duration timeout() {
        return first.timeout().plus(next.timeout());
    }

    @Override
    public String describe() {
        return first.describe() + ", then " + next.describe();
    }
}
