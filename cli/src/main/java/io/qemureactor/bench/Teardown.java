package io.qemureactor.bench;

import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.launch.QemuLauncher;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What one benchmark run started and must stop, however a round ends: each resource is released when its
 * body completes, fails or is cancelled ({@code Mono.usingWhen}), and a release that a cancel started runs to
 * its end even though nobody listens any more; {@link #settled()} awaits those and the cancelled launches of
 * the launchers the run used, so that a Ctrl-C'ed benchmark leaves no QEMU behind.
 */
final class Teardown {

    private final PendingCleanups cancelled = new PendingCleanups();
    private final Set<QemuLauncher> launchers = ConcurrentHashMap.newKeySet();

    /** {@code launcher}, remembered so that {@link #settled()} awaits its cancelled launches. */
    QemuLauncher track(QemuLauncher launcher) {
        launchers.add(launcher);
        return launcher;
    }

    /**
     * {@code body} on the resource {@code acquire} gives, then {@code release} on it whatever the body does; the
     * result ends after the release (on cancel: {@link #settled()} awaits it).
     */
    <R, T> Mono<T> using(Mono<R> acquire, Function<? super R, ? extends Mono<T>> body,
                         Function<? super R, Mono<Void>> release, String what) {
        return Mono.usingWhen(acquire, r -> Mono.defer(() -> body.apply(r)), release, (r, e) -> release.apply(r),
                r -> cancelled.run(release.apply(r), what));
    }

    /** Completes once every release a cancel started, and every cancelled launch of a tracked launcher, has ended. */
    Mono<Void> settled() {
        return Mono.defer(() -> Mono.when(cancelled.settled(),
                Flux.fromIterable(List.copyOf(launchers)).flatMap(QemuLauncher::settled).then()));
    }
}
