package io.qemureactor.core.host;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The cleanups of cancelled and failed starts (a launch's sessions closed, QEMU killed and reaped, run
 * folder removed; a switch's testpmd killed and its folder removed), which must run to their end even
 * though whoever cancelled has stopped listening, and {@link #settled()}, which lets that someone (a
 * fleet's dispose, a CLI's teardown, a test) await them anyway: reactor-netty's {@code disposeLater()}
 * for a cancel, which cannot be awaited through the cancelled Mono itself.
 */
public final class PendingCleanups {

    private static final Logger log = LoggerFactory.getLogger(PendingCleanups.class);

    /** How long a host's {@code close()} waits for the cleanups begun over it before it lets go anyway. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private final Set<Mono<Void>> running = ConcurrentHashMap.newKeySet();

    /**
     * Runs {@code cleanup} now, not cancellable from downstream: a cancel that arrives while a failed launch
     * cleans up must not stop it half way (process killed, folder left). Returns its outcome, replayed.
     *
     * @param what what is cleaned up, for the log
     * @param cleanup the cleanup to run; subscribed once, here
     * @return a Mono replaying the cleanup's outcome (completion or error); already started, so not cold
     */
    public Mono<Void> run(Mono<Void> cleanup, String what) {
        Mono<Void> cached = cleanup.cache();
        running.add(cached);
        cached.doFinally(signal -> running.remove(cached))
                .subscribe(v -> { }, e -> log.debug("{}: cleanup ended with {}", what, e.toString()));
        return cached;
    }

    /**
     * Completes when every cleanup started before this subscription has ended (its error is not repeated).
     *
     * @return a cold Mono that completes (never fails) once the cleanups running at subscription have ended
     */
    public Mono<Void> settled() {
        return Mono.defer(() -> Flux.fromIterable(List.copyOf(running))
                .flatMap(c -> c.onErrorResume(e -> Mono.empty()))
                .then());
    }

    /**
     * {@link #settled()}, bounded: completes after {@code bound} even if a cleanup is still running (logged).
     *
     * @param bound the longest wait
     * @return a cold Mono that completes (never fails) once the cleanups have ended or the bound has passed
     */
    public Mono<Void> settled(Duration bound) {
        return settled().timeout(bound, Mono.fromRunnable(() ->
                log.warn("{} cleanup(s) still running after {} s", size(), bound.toSeconds())));
    }

    /**
     * Runs {@code cleanup} in this registry and in {@code also} (a launcher's and its host's): awaited by
     * either's {@link #settled()}, subscribed once.
     *
     * @param cleanup the cleanup to run; subscribed once, here
     * @param what what is cleaned up, for the log
     * @param also the other registry
     * @return a Mono replaying the cleanup's outcome; already started, so not cold
     */
    public Mono<Void> runAlsoIn(PendingCleanups also, Mono<Void> cleanup, String what) {
        return run(also.run(cleanup, what), what);
    }

    /**
     * How many cleanups are running now.
     *
     * @return the number of cleanups not yet ended
     */
    public int size() {
        return running.size();
    }
}
