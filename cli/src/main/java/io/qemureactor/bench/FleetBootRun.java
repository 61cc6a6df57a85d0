package io.qemureactor.bench;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetEvent;
import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The engine's side of {@code bench boot}: a {@link Fleet} of N members, all at once, each with the
 * kit's serial marker probe, on this machine. Wall time: from subscribing {@link Fleet#ready()} to
 * its result. Detection latency per VM: from the moment the console's line Flux delivers the marker
 * line (recorded by a watcher the benchmark subscribes to {@code context.console().lines()} just
 * before the probe) to the moment the fleet emits {@code READY} for that VM (recorded by a
 * subscriber of {@link Fleet#events()}; events are emitted synchronously, so that is when the fleet
 * emits it). READY follows the launcher's Mono emitting the {@code RunningVm}. Also recorded, to see
 * where the time goes: when each guest was released ({@code QMP_CONNECTED}: the launcher's checks
 * done, QEMU started paused, QMP and the console connected, {@code cont} sent) and when the last
 * marker line arrived, both from the start.
 */
final class FleetBootRun {

    private static final Duration BOOT_BOUND = Duration.ofMinutes(5);
    private static final Duration STOP_BOUND = Duration.ofMinutes(2);

    /** What one boot measured; {@code stopNanos}: the fleet's shutdown (QMP quit, exits seen, run folders removed). */
    record Result(long wallNanos, List<Long> detectionNanos, long lastMarkerNanos, List<Long> releasedNanos, long stopNanos) {
    }

    private final BootGuests guests;
    /** Where the VMs run: this machine, or an SSH host (null: this machine). */
    private final FleetHost host;
    private final Teardown teardown;

    FleetBootRun(BootGuests guests, Teardown teardown) {
        this(guests, null, teardown);
    }

    FleetBootRun(BootGuests guests, FleetHost host, Teardown teardown) {
        this.guests = guests;
        this.host = host;
        this.teardown = teardown;
    }

    /** One fleet of {@code n}: its boot, then its shutdown, both timed; the fleet is stopped whatever happens. */
    Mono<Result> boot(int n) {
        return teardown.using(BlockingIo.call(() -> prepare(n)), this::measure, Boot::stop, "fleet of " + n);
    }

    /** One boot's fleet, its run base and what its watchers record. */
    private final class Boot {
        final Path base;
        final Fleet fleet;
        final List<FleetMember> members = new ArrayList<>();
        final Map<String, Long> markerAt = new ConcurrentHashMap<>();
        final Map<String, Long> readyAt = new ConcurrentHashMap<>();
        final Map<String, Long> releasedAt = new ConcurrentHashMap<>();
        final Disposable watch;

        Boot(Path base, int n) {
            this.base = base;
            QemuLauncher launcher = teardown.track(new QemuLauncher(LaunchOptions.defaults().withRunBase(base.toString())));
            Pattern marker = Pattern.compile(Pattern.quote(guests.marker()));
            for (int i = 1; i <= n; i++) {
                members.add(FleetMember.of(guests.spec(i), guests.kit().readyProbe().doOnStart(markerClock(marker, markerAt))));
            }
            // the guest is killed by QMP quit then signals: nothing of its shutdown is measured
            FleetOptions options = FleetOptions.defaults().withShutdownPolicy(ShutdownPolicy.withoutGuest());
            fleet = host == null ? Fleet.boot(launcher, members, options) : Fleet.boot(launcher, List.of(host), members, options);
            watch = fleet.events()
                    .subscribe(e -> {
                        if (e.type() == FleetEvent.Type.READY) {
                            readyAt.put(e.vmName(), System.nanoTime());
                        } else if (e.type() == FleetEvent.Type.QMP_CONNECTED) {
                            releasedAt.put(e.vmName(), System.nanoTime());
                        }
                    });
        }

        /** The fleet stopped (idempotent: after the measured stop, nothing is left to do), then the run base removed. */
        Mono<Void> stop() {
            Mono<Void> removeBase = host == null ? BlockingIo.run(() -> BootGuests.deleteTree(base))
                    : host.host().deleteFolder(base.toString()).timeout(Duration.ofMinutes(1));
            return fleet.shutdown().timeout(STOP_BOUND).onErrorResume(e -> Mono.empty())
                    .doFinally(signal -> watch.dispose())
                    .then(removeBase);
        }
    }

    private Boot prepare(int n) throws IOException {
        // a remote host gets a run base named like a local one: mkdir -p there, removed by the VMs' release
        Path base = host == null ? BootGuests.tempBase("qrb-ours")
                : Path.of("/tmp", "qrb-remote-" + Long.toHexString(System.nanoTime()));
        return new Boot(base, n);
    }

    private Mono<Result> measure(Boot boot) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return boot.fleet.ready().timeout(BOOT_BOUND).flatMap(ready -> {
                long wall = System.nanoTime() - start;
                List<Long> detection = new ArrayList<>();
                List<Long> released = new ArrayList<>();
                long lastMarker = 0;
                for (FleetMember m : boot.members) {
                    Long seen = boot.markerAt.get(m.name());
                    Long readyAt = boot.readyAt.get(m.name());
                    if (seen == null || readyAt == null) {
                        return Mono.error(new IllegalStateException(m.name() + ": marker seen " + seen + ", READY " + readyAt));
                    }
                    detection.add(readyAt - seen);
                    released.add(boot.releasedAt.getOrDefault(m.name(), start) - start);
                    lastMarker = Math.max(lastMarker, seen - start);
                }
                long last = lastMarker;
                return Mono.defer(() -> {
                    long stopStart = System.nanoTime();
                    return boot.fleet.shutdown().timeout(STOP_BOUND)
                            .then(Mono.fromCallable(() -> new Result(wall, detection, last, released, System.nanoTime() - stopStart)));
                });
            });
        });
    }

    /**
     * A watcher started beside the kit's probe that records when the console line Flux delivers the
     * marker line. It subscribes first, so it sees the line before the probe does; the probe's own
     * pipeline is the engine's, untouched.
     */
    private static Consumer<BootContext> markerClock(Pattern marker, Map<String, Long> seen) {
        return context -> context.console().ifPresent(console -> console.lines()
                .filter(line -> marker.matcher(line).find())
                .next()
                .subscribe(line -> seen.putIfAbsent(context.vmName(), System.nanoTime()), e -> { }));
    }
}
