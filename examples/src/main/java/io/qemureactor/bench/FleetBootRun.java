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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import reactor.core.Disposable;

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

    /** What one boot measured; {@code stopNanos}: the fleet's shutdown (QMP quit, exits seen, run folders removed). */
    record Result(long wallNanos, List<Long> detectionNanos, long lastMarkerNanos, List<Long> releasedNanos, long stopNanos) {
    }

    private final BootGuests guests;
    /** Where the VMs run: this machine, or an SSH host (null: this machine). */
    private final FleetHost host;

    FleetBootRun(BootGuests guests) {
        this(guests, null);
    }

    FleetBootRun(BootGuests guests, FleetHost host) {
        this.guests = guests;
        this.host = host;
    }

    Result boot(int n) throws Exception {
        // a remote host gets a run base named like a local one: mkdir -p there, removed by the VMs' release
        Path base = host == null ? BootGuests.tempBase("qrb-ours")
                : Path.of("/tmp", "qrb-remote-" + Long.toHexString(System.nanoTime()));
        QemuLauncher launcher = new QemuLauncher(LaunchOptions.defaults().withRunBase(base.toString()));
        Map<String, Long> markerAt = new ConcurrentHashMap<>();
        Map<String, Long> readyAt = new ConcurrentHashMap<>();
        Map<String, Long> releasedAt = new ConcurrentHashMap<>();
        Pattern marker = Pattern.compile(Pattern.quote(guests.marker()));
        List<FleetMember> members = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            members.add(FleetMember.of(guests.spec(i), guests.kit().readyProbe().doOnStart(markerClock(marker, markerAt))));
        }
        // the guest is killed by QMP quit then signals: nothing of its shutdown is measured
        FleetOptions options = FleetOptions.defaults().withShutdownPolicy(ShutdownPolicy.withoutGuest());
        Fleet fleet = host == null ? Fleet.boot(launcher, members, options) : Fleet.boot(launcher, List.of(host), members, options);
        Disposable watch = fleet.events()
                .subscribe(e -> {
                    if (e.type() == FleetEvent.Type.READY) {
                        readyAt.put(e.vmName(), System.nanoTime());
                    } else if (e.type() == FleetEvent.Type.QMP_CONNECTED) {
                        releasedAt.put(e.vmName(), System.nanoTime());
                    }
                });
        boolean stopped = false;
        try {
            long start = System.nanoTime();
            fleet.ready().block(BOOT_BOUND);
            long wall = System.nanoTime() - start;
            List<Long> detection = new ArrayList<>();
            List<Long> released = new ArrayList<>();
            long lastMarker = 0;
            for (FleetMember m : members) {
                Long seen = markerAt.get(m.name());
                Long ready = readyAt.get(m.name());
                if (seen == null || ready == null) {
                    throw new IllegalStateException(m.name() + ": marker seen " + seen + ", READY " + ready);
                }
                detection.add(ready - seen);
                released.add(releasedAt.getOrDefault(m.name(), start) - start);
                lastMarker = Math.max(lastMarker, seen - start);
            }
            long stopStart = System.nanoTime();
            fleet.shutdown().block(Duration.ofMinutes(2));
            stopped = true;
            return new Result(wall, detection, lastMarker, released, System.nanoTime() - stopStart);
        } finally {
            if (!stopped) {
                fleet.shutdown().block(Duration.ofMinutes(2));
            }
            watch.dispose();
            if (host == null) {
                BootGuests.deleteTree(base);
            } else {
                host.host().deleteFolder(base.toString()).block(Duration.ofMinutes(1));
            }
        }
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
