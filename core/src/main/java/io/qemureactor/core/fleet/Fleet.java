package io.qemureactor.core.fleet;

import io.qemureactor.core.Messages;
import io.qemureactor.core.fleet.FleetEvent.Type;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VmOperationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Many VMs booted together, with bounded concurrency, on one host or several.
 *
 * <p>Like every Mono of this project, nothing happens until {@link #ready()} is subscribed. Then
 * every member is placed and its resources reserved ({@link Placement}, {@link ResourceLedger}):
 * if one does not fit, {@code ready()} fails with a {@link FleetCapacityException} and nothing is
 * launched. Otherwise the boots run, at most {@link FleetOptions#concurrencyFor} at a time, each
 * through the launcher; a member that asks for CPUs gets its vCPUs pinned once it is ready. The
 * outcome follows the {@link FleetPolicy}; the progress is {@link #events()}.
 *
 * <p>Whatever happens, the fleet stops what it started: a failed all-or-nothing boot stops the
 * VMs that were up before {@code ready()} fails; cancelling the subscription to {@code ready()},
 * {@link #dispose()} and {@link #shutdown()} cancel the boots in progress (the launcher kills
 * those and removes their run folders) and stop the VMs that are up. Every VM's reservation goes
 * back to its ledger when it stops or fails.
 *
 * <p>No thread per VM and no blocking: the boots are the launcher's Monos merged with
 * {@code flatMap(..., concurrency)}. The state of each member is guarded by one lock, under which
 * events are emitted, so an event subscriber must not block.
 */
public final class Fleet implements Disposable {

    private static final Logger log = LoggerFactory.getLogger(Fleet.class);

    /** The fleet as a whole. */
    private enum State { NEW, BOOTING, UP, FAILED, STOPPING, STOPPED }

    /** One member: PLANNED -> LAUNCHING -> UP -> STOPPING -> STOPPED, or -> FAILED from the first three. */
    private enum Phase { PLANNED, LAUNCHING, UP, FAILED, STOPPING, STOPPED }

    private static final class Slot {
        final PlacedMember placed;
        Phase phase = Phase.PLANNED;
        RunningVm vm;
        Mono<Void> stop;

        Slot(PlacedMember placed) {
            this.placed = placed;
        }

        String name() {
            return placed.name();
        }
    }

    private final VmStarter starter;
    /** Completes when the starter's cancelled and failed launches have cleaned up ({@link QemuLauncher#settled()}). */
    private final Mono<Void> launchesSettled;
    private final List<FleetHost> hosts;
    private final List<FleetMember> members;
    private final FleetOptions options;

    private final Object lock = new Object();
    private final Sinks.Many<FleetEvent> events = Sinks.many().replay().all();
    private final Sinks.One<FleetResult> outcome = Sinks.one();
    private final Sinks.Empty<Void> abort = Sinks.empty();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    /** The members that are not running, in the order they failed. */
    private final List<MemberFailure> failures = new ArrayList<>();
    /** Every stop (and kill) the fleet started, so a shutdown can wait for those already under way. */
    private final List<Mono<Void>> stops = new ArrayList<>();
    private State state = State.NEW;
    /** Why boots in progress are being cancelled; said in their failures. */
    private String abortCause = "the fleet's boot was cancelled";
    private volatile boolean disposed;

    private Fleet(VmStarter starter, Mono<Void> launchesSettled, List<FleetHost> hosts, List<FleetMember> members,
                  FleetOptions options) {
        this.starter = Objects.requireNonNull(starter, "starter");
        this.launchesSettled = Objects.requireNonNull(launchesSettled, "launchesSettled");
        this.hosts = List.copyOf(hosts);
        this.members = List.copyOf(members);
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * A fleet of {@code members} on this machine ({@link FleetHost#local()}: a ledger of its own).
     * Cold: nothing is placed or launched until {@link #ready()} (or {@link #using}) is subscribed.
     *
     * @param launcher starts each member's QEMU
     * @param members the VMs to boot; their names must be distinct
     * @param options concurrency, all-or-nothing policy, shutdown policy
     * @return the fleet, not yet booting
     */
    public static Fleet boot(QemuLauncher launcher, List<FleetMember> members, FleetOptions options) {
        return boot(launcher, List.of(FleetHost.local()), members, options);
    }

    /**
     * A fleet of {@code members} on {@code hosts} (e.g. {@link Topology#fleetHosts()}). The boot
     * begins when {@link #ready()} is subscribed.
     *
     * @param launcher starts each member's QEMU
     * @param hosts the hosts members may be placed on, each with its own ledger
     * @param members the VMs to boot; their names must be distinct
     * @param options concurrency, all-or-nothing policy, shutdown policy
     * @return the fleet, not yet booting
     */
    public static Fleet boot(QemuLauncher launcher, List<FleetHost> hosts, List<FleetMember> members,
                             FleetOptions options) {
        Objects.requireNonNull(launcher, "launcher");
        return new Fleet(launcher::start, launcher.settled(), hosts, members, options);
    }

    /** The same with another starter: the unit tests' seam for injecting failures. */
    static Fleet boot(VmStarter starter, List<FleetHost> hosts, List<FleetMember> members, FleetOptions options) {
        return new Fleet(starter, Mono.empty(), hosts, members, options);
    }

    /**
     * The hosts this fleet places members on.
     *
     * @return an unmodifiable list, in the order given to {@code boot}
     */
    public List<FleetHost> hosts() {
        return hosts;
    }

    /**
     * The members this fleet boots.
     *
     * @return an unmodifiable list, in the order given to {@code boot}
     */
    public List<FleetMember> members() {
        return members;
    }

    /**
     * The options this fleet was created with.
     *
     * @return the options
     */
    public FleetOptions options() {
        return options;
    }

    /**
     * Every VM's progress, hot and replayed from the start for late subscribers. Completes once
     * the fleet is over: its boot failed or was cancelled and what it started is stopped, or
     * {@link #shutdown()} finished. Events are emitted under the fleet's lock: do not block in a
     * subscriber.
     *
     * @return the events of every member
     */
    public Flux<FleetEvent> events() {
        return events.asFlux();
    }

    /**
     * Boots the fleet on the first subscription; later subscribers share the outcome.
     * <ul>
     * <li>a member that does not fit: {@link FleetCapacityException}, nothing launched;
     * <li>all-or-nothing and a VM failed: {@link FleetBootException}, after the VMs that were up
     *     have been stopped;
     * <li>otherwise the {@link FleetResult}: the VMs up and (best-effort) the ones that failed.
     * </ul>
     * Cancelling the first subscription cancels the boot and stops every VM it started.
     *
     * @return a cold Mono of the boot's outcome
     */
    public Mono<FleetResult> ready() {
        return Mono.defer(() -> {
            synchronized (lock) {
                if (state != State.NEW) {
                    return outcome.asMono();
                }
                state = State.BOOTING;
            }
            return boot()
                    .doOnSuccess(outcome::tryEmitValue)
                    .doOnError(outcome::tryEmitError)
                    .doOnCancel(() -> outcome.tryEmitError(new CancellationException(abortCause())));
        });
    }

    /**
     * Boots the fleet ({@link #ready()}), hands the result to {@code body}, and stops every VM
     * whatever the body does: completes, fails or is cancelled. The result ends only once every
     * VM is gone (QEMUs reaped, run folders removed), with the body's value or error; a failure to
     * stop is added to the body's error as suppressed. A boot that fails stops what it started
     * before its error arrives. Put a time limit inside the body, so that it is a failure whose
     * stop is awaited; after a cancel from outside, {@link #disposeLater()} awaits it.
     *
     * <pre>{@code
     * Fleet.boot(launcher, members, FleetOptions.defaults())
     *         .using(result -> Flux.fromIterable(result.running())
     *                 .flatMap(vm -> vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r")))
     *                 .collectList())
     * }</pre>
     *
     * @param <T> the body's value type
     * @param body the work to do with the booted fleet; called once, after a successful boot
     * @return a cold Mono of the body's value, emitted after every VM is stopped
     */
    public <T> Mono<T> using(Function<? super FleetResult, ? extends Mono<T>> body) {
        Objects.requireNonNull(body, "body");
        return Mono.usingWhen(ready(),
                result -> Mono.defer(() -> body.apply(result)),
                result -> shutdown(),
                (result, error) -> shutdown(),
                result -> disposeLater());
    }

    /**
     * Stops every VM of the fleet, concurrently, with {@link FleetOptions#shutdownPolicy()}, and
     * gives their reservations back; a boot still in progress is cancelled first (its VMs are
     * killed). Completes when every VM is gone — its QEMU reaped, its run folder removed, the
     * cancelled launches' too; idempotent.
     *
     * @return a cold Mono that completes when the fleet is stopped
     */
    public Mono<Void> shutdown() {
        return afterLaunchesSettled(stopAll(false, "the fleet was shut down during its boot"));
    }

    /**
     * Stops everything the fleet started, fast: the boot in progress cancelled, every VM killed.
     * Completes when every process the fleet started is gone (reaped: no {@code /proc/PID} left)
     * and every run folder removed, the cancelled launches' included (reactor-netty's
     * {@code disposeLater()}). Idempotent.
     *
     * @return a cold Mono that completes when everything is killed and cleaned up
     */
    public Mono<Void> disposeLater() {
        return Mono.defer(() -> {
            disposed = true;
            return afterLaunchesSettled(stopAll(true, "the fleet was disposed during its boot"));
        });
    }

    /** {@link #disposeLater()} without waiting for it. */
    @Override
    public void dispose() {
        disposeLater().subscribe(v -> { }, e -> log.warn("fleet dispose: {}", e.toString()));
    }

    @Override
    public boolean isDisposed() {
        return disposed;
    }

    // ---- the boot

    private Mono<FleetResult> boot() {
        Mono<FleetResult> run = Mono.usingWhen(
                Mono.fromCallable(this::plan),
                this::launchAll,
                plan -> Mono.fromRunnable(this::booted),
                (plan, error) -> teardown(),
                plan -> teardown());
        Mono<FleetResult> aborted = abort.asMono().then(Mono.error(() -> new CancellationException(abortCause())));
        return Mono.firstWithSignal(run, aborted);
    }

    /** Places and reserves every member; fails before anything is launched when one does not fit. */
    private List<PlacedMember> plan() {
        try {
            List<PlacedMember> placed = Placement.place(members, hosts);
            synchronized (lock) {
                placed.forEach(p -> slots.put(p.name(), new Slot(p)));
            }
            return placed;
        } catch (RuntimeException e) {
            synchronized (lock) {
                state = State.FAILED;
                events.tryEmitComplete();
            }
            throw e;
        }
    }

    private Mono<FleetResult> launchAll(List<PlacedMember> plan) {
        List<Slot> order;
        synchronized (lock) {
            order = List.copyOf(slots.values());
        }
        Flux<Slot> done = Flux.fromIterable(order).flatMap(this::bootOne, options.concurrencyFor(order.size()));
        if (options.policy() == FleetPolicy.ALL_OR_NOTHING) {
            // the first failure cancels the boots in progress; the launcher stops what they started
            done = done.takeUntil(this::firstFailure);
        }
        return done.then(Mono.defer(this::decide));
    }

    private boolean firstFailure(Slot s) {
        synchronized (lock) {
            if (s.phase != Phase.FAILED) {
                return false;
            }
            abortCause = s.name() + " failed first (all-or-nothing)";
            // takeUntil cancels the boots in progress after this returns, possibly after decide():
            // report them now; a VM the launcher still hands over is then killed by up()
            for (Slot other : slots.values()) {
                if (other.phase == Phase.LAUNCHING) {
                    cancelled(other);
                }
            }
            return true;
        }
    }

    /** One member's boot; never fails: a failure is recorded in the slot and the slot emitted. */
    private Mono<Slot> bootOne(Slot s) {
        FleetMember m = s.placed.member();
        // the launcher runs the probe once QMP is negotiated, the console attached and the guest released
        BootProbe probe = m.probe().doOnStart(context -> emitIf(s, Phase.LAUNCHING, Type.QMP_CONNECTED));
        return Mono.defer(() -> {
            synchronized (lock) {
                if (s.phase != Phase.PLANNED) {
                    return Mono.just(s);
                }
                s.phase = Phase.LAUNCHING;
                emit(s, Type.LAUNCHED, null);
            }
            // the launcher's Mono completes before the pinning starts, so that cancelling the
            // pinning never reaches the launcher (which would take it as a cancelled launch)
            return Mono.defer(() -> m.starter().isPresent() ? m.starter().get().start(s.placed.host().host(), m.spec(), probe)
                            : starter.start(s.placed.host().host(), m.spec(), probe, m.preparer()))
                    .doOnNext(vm -> up(s, vm))
                    .then(Mono.defer(() -> {
                        emitIf(s, Phase.UP, Type.READY);
                        return pin(s);
                    }))
                    .onErrorResume(e -> failed(s, e))
                    .doOnCancel(() -> cancelled(s))
                    .thenReturn(s);
        });
    }

    /**
     * The launcher handed the VM over: the fleet owns it from now on. READY is emitted once the
     * launcher's Mono has completed, so nobody reacting to READY can cancel the launch itself.
     */
    private void up(Slot s, RunningVm vm) {
        synchronized (lock) {
            if (s.phase != Phase.LAUNCHING) {
                // cancelled just as the launcher handed it over: nobody else will stop it
                detached(vm.kill(), s.name());
                return;
            }
            s.phase = Phase.UP;
            s.vm = vm;
        }
    }

    /** Pins a member that is up and asked for CPUs to its reserved ones (vCPU i to the i-th, round robin). */
    private Mono<Void> pin(Slot s) {
        RunningVm vm;
        synchronized (lock) {
            vm = s.phase == Phase.UP ? s.vm : null;
        }
        CpuSet cpus = s.placed.reservation().cpus();
        if (vm == null || cpus.isEmpty()) {
            return Mono.empty();
        }
        return vm.pin(cpus.toArray()).then()
                .onErrorMap(e -> new VmOperationException("pinning the vCPUs of " + s.name() + " to cpus " + cpus
                        + " failed: " + e.getMessage()));
    }

    /** A boot (or the pinning after it) failed: kill what is left of it, then report. */
    private Mono<Void> failed(Slot s, Throwable e) {
        RunningVm vm;
        synchronized (lock) {
            if (s.phase != Phase.LAUNCHING && s.phase != Phase.UP) {
                return Mono.empty();
            }
            vm = s.vm;
            s.vm = null;
            s.phase = Phase.FAILED;
        }
        Mono<Void> kill = vm == null ? Mono.empty() : vm.kill();
        return detached(kill.onErrorResume(k -> {
            log.warn("{}: kill after a failed boot: {}", s.name(), k.toString());
            return Mono.empty();
        }).then(Mono.fromRunnable(() -> {
            record(s, Messages.oneLine(e), e);
            s.placed.release();
        })), s.name());
    }

    /** A boot in progress was cancelled: the launcher removes what it started. */
    private void cancelled(Slot s) {
        synchronized (lock) {
            if (s.phase != Phase.LAUNCHING) {
                return;
            }
            s.phase = Phase.FAILED;
            record(s, "boot cancelled: " + abortCause, new CancellationException(s.name() + ": " + abortCause));
        }
        s.placed.release();
    }

    /** Every boot has ended (or, all-or-nothing, the first failure ended them): the outcome. */
    private Mono<FleetResult> decide() {
        synchronized (lock) {
            for (Slot s : slots.values()) {
                if (s.phase == Phase.PLANNED) {
                    s.phase = Phase.FAILED;
                    record(s, "not launched: " + abortCause, new CancellationException(s.name() + ": " + abortCause));
                    s.placed.release();
                }
            }
            List<Slot> up = slots.values().stream().filter(s -> s.phase == Phase.UP).toList();
            if (options.policy() == FleetPolicy.ALL_OR_NOTHING && !failures.isEmpty()) {
                return Mono.error(new FleetBootException("fleet of " + slots.size() + " did not come up (all-or-nothing)",
                        failures, up.stream().map(Slot::name).toList()));
            }
            Map<String, String> placement = new LinkedHashMap<>();
            slots.values().forEach(s -> placement.put(s.name(), s.placed.host().name()));
            return Mono.just(new FleetResult(up.stream().map(s -> s.vm).toList(), failures, placement));
        }
    }

    private void booted() {
        synchronized (lock) {
            if (state == State.BOOTING) {
                state = State.UP;
            }
        }
    }

    /** The boot failed or was cancelled: kill the VMs that are up, report the rest, give everything back. */
    private Mono<Void> teardown() {
        List<Mono<Void>> waits = new ArrayList<>();
        synchronized (lock) {
            if (state == State.BOOTING) {
                state = State.FAILED;
            }
            for (Slot s : slots.values()) {
                switch (s.phase) {
                    case PLANNED -> {
                        s.phase = Phase.FAILED;
                        record(s, "not launched: " + abortCause, new CancellationException(s.name() + ": " + abortCause));
                    }
                    case LAUNCHING -> cancelled(s);
                    case UP -> waits.add(stop(s, true));
                    default -> { }
                }
            }
            waits.addAll(stops);
        }
        return quietly(Mono.whenDelayError(waits)).then(Mono.fromRunnable(this::finish));
    }

    // ---- stopping

    /** {@code stops}, then the launcher's cleanups of the boots it cancelled, whether {@code stops} failed or not. */
    private Mono<Void> afterLaunchesSettled(Mono<Void> stops) {
        return stops.onErrorResume(e -> launchesSettled.then(Mono.error(e))).then(launchesSettled);
    }

    private Mono<Void> stopAll(boolean kill, String cause) {
        return Mono.defer(() -> {
            boolean cancelBoot;
            synchronized (lock) {
                if (state == State.NEW) {
                    state = State.STOPPED;
                    outcome.tryEmitError(new CancellationException("the fleet was stopped before its boot began"));
                    events.tryEmitComplete();
                    return Mono.empty();
                }
                cancelBoot = state == State.BOOTING;
                if (cancelBoot) {
                    abortCause = cause;
                }
            }
            if (cancelBoot) {
                abort.tryEmitEmpty(); // cancels the boot: its teardown registers its kills in stops
            }
            List<Mono<Void>> waits = new ArrayList<>();
            synchronized (lock) {
                if (state != State.STOPPED) {
                    state = State.STOPPING;
                }
                for (Slot s : slots.values()) {
                    if (s.phase == Phase.UP) {
                        waits.add(stop(s, kill));
                    }
                }
                waits.addAll(stops);
            }
            return Mono.whenDelayError(waits).doFinally(signal -> {
                synchronized (lock) {
                    state = State.STOPPED;
                }
                finish();
            });
        });
    }

    /** Stops an UP member (under the lock); the stop runs whether or not the caller subscribes. */
    private Mono<Void> stop(Slot s, boolean kill) {
        if (s.phase != Phase.UP) {
            return s.stop != null ? s.stop : Mono.empty();
        }
        s.phase = Phase.STOPPING;
        RunningVm vm = s.vm;
        Mono<Void> how = kill ? vm.kill() : vm.shutdown(options.shutdownPolicy()).onErrorResume(e -> {
            log.warn("{}: shutdown failed, killing it: {}", s.name(), e.toString());
            return vm.kill();
        });
        s.stop = detached(how.then(Mono.fromRunnable(() -> {
            synchronized (lock) {
                s.phase = Phase.STOPPED;
                emit(s, Type.STOPPED, null);
            }
            s.placed.release();
        })), s.name());
        return s.stop;
    }

    /** Runs {@code work} now, remembered in {@link #stops}; the returned Mono replays its end. */
    private Mono<Void> detached(Mono<Void> work, String vm) {
        Mono<Void> cached = work.cache();
        synchronized (lock) {
            stops.add(cached);
        }
        cached.subscribe(v -> { }, e -> log.warn("{}: {}", vm, e.toString()));
        return cached;
    }

    /** Gives every reservation back and ends the events. */
    private void finish() {
        synchronized (lock) {
            slots.values().forEach(s -> s.placed.release());
            events.tryEmitComplete();
        }
    }

    // ---- events and failures

    private void record(Slot s, String reason, Throwable cause) {
        synchronized (lock) {
            failures.add(new MemberFailure(s.name(), s.placed.host().name(), reason, cause));
            emit(s, Type.FAILED, cause);
        }
    }

    private void emitIf(Slot s, Phase phase, Type type) {
        synchronized (lock) {
            if (s.phase == phase) {
                emit(s, type, null);
            }
        }
    }

    private void emit(Slot s, Type type, Throwable error) {
        synchronized (lock) {
            FleetEvent e = new FleetEvent(type, s.name(), s.placed.member().spec().id(), s.placed.host().name(),
                    Instant.now(), Optional.ofNullable(error));
            Sinks.EmitResult r = events.tryEmitNext(e);
            if (r.isFailure() && r != Sinks.EmitResult.FAIL_TERMINATED) {
                log.warn("fleet event {} not delivered: {}", e, r);
            }
        }
    }

    private String abortCause() {
        synchronized (lock) {
            return abortCause;
        }
    }

    private static Mono<Void> quietly(Mono<Void> m) {
        return m.onErrorResume(e -> {
            log.warn("fleet teardown: {}", e.toString());
            return Mono.empty();
        });
    }


    @Override
    public String toString() {
        synchronized (lock) {
            return "fleet of " + members.size() + " on " + hosts.stream().map(FleetHost::name).toList() + " (" + state + ")";
        }
    }
}
