package io.qemureactor.core.launch;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cleanups of cancelled and failed launches (sessions closed, QEMU killed and reaped, run folder
 * removed), which must run to their end even though whoever cancelled has stopped listening, and
 * {@link #settled()}, which lets that someone (a fleet's dispose, a CLI's teardown) await them anyway.
 */
final class PendingCleanups {

    private static final Logger log = LoggerFactory.getLogger(PendingCleanups.class);

    private final Set<Mono<Void>> running = ConcurrentHashMap.newKeySet();

    /**
     * Runs {@code cleanup} now, not cancellable from downstream: a cancel that arrives while a failed launch
     * cleans up must not stop it half way (process killed, folder left). Returns its outcome, replayed.
     */
    Mono<Void> run(Mono<Void> cleanup, String vm) {
        Mono<Void> cached = cleanup.cache();
        running.add(cached);
        cached.doFinally(signal -> running.remove(cached))
                .subscribe(v -> { }, e -> log.debug("{}: cleanup ended with {}", vm, e.toString()));
        return cached;
    }

    /** Completes when every cleanup started before this subscription has ended (its error is not repeated). */
    Mono<Void> settled() {
        return Mono.defer(() -> Flux.fromIterable(List.copyOf(running))
                .flatMap(c -> c.onErrorResume(e -> Mono.empty()))
                .then());
    }

    int size() {
        return running.size();
    }
}
