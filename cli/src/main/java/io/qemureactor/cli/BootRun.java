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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@code boot} invocation's {@link Fleet}, from its boot to its shutdown, and the guarantee that
 * nothing is left behind: when the fleet's boot fails, what it started is stopped before the error
 * is thrown; when the JVM is asked to stop (Ctrl-C, SIGTERM) a shutdown hook disposes the fleet and
 * waits, bounded, until every VM of this run is gone. Only after {@link #keep()} do the VMs outlive it.
 *
 * <p>Teardown is the fleet's {@link Fleet#disposeLater()}: it completes once every QEMU of this run is
 * gone and every run folder removed, the launches it cancelled included. Should this JVM die
 * without a chance to run the hook (SIGKILL), each host's reaper stops the VMs instead.
 */
final class BootRun {

    private static final Logger log = LoggerFactory.getLogger(BootRun.class);
    /** How long a teardown may take: every VM killed and reaped, every run folder removed. */
    static final Duration KILL_WAIT = Duration.ofSeconds(60);

    private enum State { RUNNING, KEPT, DONE }

    private final Fleet fleet;
    private final FleetProgress progress;
    private final Object lock = new Object();
    private State state = State.RUNNING;
    private boolean interrupted;
    private Disposable current;
    private List<RunningVm> running = List.of();
    private final CompletableFuture<Void> tornDown = new CompletableFuture<>();

    BootRun(QemuLauncher launcher, List<FleetHost> hosts, List<FleetMember> members, FleetOptions options,
            FleetProgress progress) {
        this.fleet = Fleet.boot(launcher, hosts, members, options);
        this.progress = progress;
    }

    /**
     * Boots the fleet and returns its outcome: every VM up, or (best-effort) the ones that came up and
     * the ones that did not. When the boot fails (all-or-nothing: one VM failed; or nothing fits) the
     * error is thrown once nothing of this run is left running.
     */
    FleetResult boot() {
        try {
            fleet.events().subscribe(progress, e -> log.debug("fleet events: {}", e.toString()));
            progress.start();
            FleetResult result = await(fleet.ready());
            synchronized (lock) {
                running = result.running();
            }
            return result;
        } catch (RuntimeException | Error e) {
            tearDown();
            throw e;
        } finally {
            progress.endBlock();
        }
    }

    /** Runs {@code work} as this run's current step; the shutdown hook cancels it. */
    <T> T await(Mono<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (lock) {
            if (interrupted) {
                throw CliFailure.usage("interrupted");
            }
            current = work.subscribe(result::complete, result::completeExceptionally, () -> result.complete(null));
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.usage("interrupted");
        } catch (ExecutionException e) {
            throw Exceptions.propagate(e.getCause());
        }
    }

    /** Every VM's shutdown (the fleet's shutdown policy), concurrently; then nothing of this run is left. */
    void shutdown() {
        try {
            progress.stopping();
            await(fleet.shutdown());
        } finally {
            tearDown();
        }
    }

    /**
     * From now on the VMs outlive this run: the shutdown hook leaves them alone, and this run's
     * sessions to them (QMP, console, agent) are closed, because each of those sockets serves one
     * client at a time and the user's tools are next. The processes and run folders stay (with
     * {@code --function}, the init script is in the run folder: the guests read it over 9p).
     */
    void keep() {
        List<RunningVm> vms;
        synchronized (lock) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.KEPT;
            vms = running;
        }
        Flux.fromIterable(vms).flatMap(vm -> vm.detach().onErrorResume(e -> {
                    log.debug("{}: detaching: {}", vm.name(), e.toString());
                    return Mono.empty();
                }))
                .then()
                .block(Duration.ofSeconds(30));
    }

    /** The shutdown hook's body: cancel what runs, dispose the fleet, wait until this run's VMs are gone. */
    void interrupt() {
        Disposable work;
        synchronized (lock) {
            if (state == State.KEPT) {
                return;
            }
            interrupted = true;
            work = current;
        }
        if (work != null) {
            work.dispose();
        }
        tearDown();
    }

    /**
     * Disposes the fleet (it kills what is up and cancels the boots under way) and waits until it is over:
     * every QEMU of this run gone, every run folder removed. The first caller does it; a concurrent one
     * (the shutdown hook while the command tears down) waits for it.
     */
    private void tearDown() {
        boolean mine;
        synchronized (lock) {
            mine = state != State.DONE;
            state = State.DONE;
        }
        if (!mine) {
            try {
                tornDown.get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("waiting for the teardown: {}", e.toString());
            }
            return;
        }
        try {
            fleet.disposeLater().block(KILL_WAIT);
        } catch (RuntimeException e) {
            log.warn("the fleet's VMs were not gone within {} s: {}", KILL_WAIT.toSeconds(), e.toString());
        } finally {
            tornDown.complete(null);
        }
    }
}
