package io.qemureactor.cli;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.vm.RunningVm;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@code boot} invocation's {@link Fleet}, from its boot to its shutdown, and the guarantee that
 * nothing is left behind: when the fleet's boot (or anything after it) fails, what it started is stopped
 * before the error arrives; when the command is cancelled (Ctrl-C, SIGTERM: {@link CommandEdge} disposes
 * it), {@link #settled()} is the teardown its shutdown hook awaits. Only after {@link #keep()} do the VMs
 * outlive it.
 *
 * <p>Teardown is the fleet's {@link Fleet#disposeLater()}: it completes once every QEMU of this run is
 * gone and every run folder removed, the launches it cancelled included. Should this JVM die
 * without a chance to run the hook (SIGKILL), each host's reaper stops the VMs instead.
 */
final class BootRun {

    private static final Logger log = LoggerFactory.getLogger(BootRun.class);
    /** How long a teardown may take: every VM killed and reaped, every run folder removed. */
    static final Duration KILL_WAIT = Duration.ofSeconds(60);
    /** How long closing this run's sessions to kept VMs may take. */
    static final Duration DETACH_WAIT = Duration.ofSeconds(30);

    private final Fleet fleet;
    private final QemuLauncher launcher;
    private final FleetProgress progress;
    private volatile boolean kept;

    BootRun(QemuLauncher launcher, List<FleetHost> hosts, List<FleetMember> members, FleetOptions options,
            FleetProgress progress) {
        this.fleet = Fleet.boot(launcher, hosts, members, options);
        this.launcher = launcher;
        this.progress = progress;
    }

    /**
     * Boots the fleet: its outcome, every VM up, or (best-effort) the ones that came up and the ones that
     * did not. When the boot fails (all-or-nothing: one VM failed; or nothing fits) the error arrives once
     * nothing of this run is left running.
     */
    Mono<FleetResult> boot() {
        return Mono.defer(() -> {
                    fleet.events().subscribe(progress, e -> log.debug("fleet events: {}", e.toString()));
                    progress.start();
                    return fleet.ready();
                })
                .onErrorResume(e -> disposed().then(Mono.error(e)))
                .doOnTerminate(progress::endBlock)
                .doOnCancel(progress::endBlock);
    }

    /**
     * {@code work} (what the command does with the booted fleet), except that its error arrives after the
     * fleet is disposed, unless the VMs are kept: whatever goes wrong after the boot, they do not outlive the command.
     */
    <T> Mono<T> orDisposed(Mono<T> work) {
        return work.onErrorResume(e -> (kept ? Mono.<Void>empty() : disposed()).then(Mono.error(e)));
    }

    /** Every VM's shutdown (the fleet's shutdown policy), concurrently; then nothing of this run is left. */
    Mono<Void> shutdown() {
        return Mono.usingWhen(Mono.fromRunnable(progress::stopping).thenReturn(fleet),
                Fleet::shutdown,
                f -> disposed(), (f, e) -> disposed(),
                f -> Mono.empty()); // cancelled: settled() disposes the fleet
    }

    /**
     * From now on the VMs outlive this run: {@link #settled()} leaves them alone, and this run's
     * sessions to them (QMP, console, agent) are closed, because each of those sockets serves one
     * client at a time and the user's tools are next. The processes and run folders stay (with
     * {@code --function}, the init script is in the run folder: the guests read it over 9p).
     */
    Mono<Void> keep(List<RunningVm> vms) {
        return Mono.defer(() -> {
            kept = true;
            return Flux.fromIterable(vms)
                    .flatMap(vm -> vm.detach().onErrorResume(e -> {
                        log.debug("{}: detaching: {}", vm.name(), e.toString());
                        return Mono.empty();
                    }))
                    .then()
                    .timeout(DETACH_WAIT, Mono.error(() -> CliFailure.usage("the kept VMs' sessions (QMP, console, agent) "
                            + "did not close within " + DETACH_WAIT.toSeconds() + " s; the VMs keep running")));
        });
    }

    /**
     * What a cancelled run leaves to settle, for Ctrl-C to await: the fleet disposed (it kills what is up and
     * cancels the boots under way) and the launcher's cancelled launches cleaned up; with the VMs kept, only the latter.
     */
    Mono<Void> settled() {
        return Mono.defer(() -> Mono.when(kept ? Mono.empty() : disposed(), launcher.settled()));
    }

    /**
     * The fleet disposed: every QEMU of this run gone, every run folder removed (idempotent). A teardown that
     * takes longer than {@link #KILL_WAIT} is left to the hosts' reapers, with a warning.
     */
    private Mono<Void> disposed() {
        return fleet.disposeLater()
                .timeout(KILL_WAIT)
                .onErrorResume(e -> {
                    log.warn("the fleet's VMs were not gone within {} s: {}", KILL_WAIT.toSeconds(), e.toString());
                    return Mono.empty();
                });
    }
}
