package io.qemureactor.core.probe;

import io.qemureactor.qmp.QmpCommands;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Ready when {@code query-status} reports the wanted run state. Asked once, then again after
 * each {@code RESUME} or {@code STOP} event, which is when the state changes; a slow backoff
 * retry covers states that change without an event.
 */
final class QmpStatusProbe extends AbstractBootProbe {

    private final String status;

    QmpStatusProbe(String status, Duration timeout) {
        super("qmp status " + status, timeout);
        this.status = status;
    }

    @Override
    protected Mono<Void> await(BootContext context, Duration timeout) {
        return context.qmp().execute(QmpCommands.queryStatus())
                .filter(s -> status.equals(s.status()))
                .repeatWhenEmpty(attempts -> attempts.concatMap(n -> context.qmp().events()
                        .filter(e -> e.is("RESUME") || e.is("STOP"))
                        .next()
                        .map(e -> n)
                        .timeout(Duration.ofMillis(200L << Math.min(n, 6)), Mono.just(n))))
                .then();
    }
}
