package io.qemureactor.cli;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One {@code boot} invocation's VMs, from launch to shutdown, and the guarantee that nothing is
 * left behind: when a launch fails the VMs that came up are killed; when the JVM is asked to stop
 * (Ctrl-C, SIGTERM) a shutdown hook cancels whatever is running and waits, bounded, until every VM
 * of this run is gone. Only after {@link #keep()} do the VMs outlive it.
 *
 * <p>A cancelled launch cleans up by itself, asynchronously (the process is killed, then its run
 * folder removed); this run waits for that by watching the run folders it did not see before it
 * started: a launch's folder is removed only after its QEMU has exited.
 */
final class BootRun {

    private static final Logger log = LoggerFactory.getLogger(BootRun.class);
    /** How long a teardown may take: kills first, then waiting for the cancelled launches to clean up. */
    static final Duration KILL_WAIT = Duration.ofSeconds(30);
    static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private enum State { RUNNING, KEPT, DONE }

    private final Host host;
    private final QemuLauncher launcher;
    private final List<VmSpec> specs;
    private final BootProbe probe;
    private final int parallel;
    private final Consumer<String> progress;
    private final String runBase;
    private final List<RunningVm> up = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private State state = State.RUNNING;
    private boolean interrupted;
    private Disposable current;
    private Set<String> foldersBefore = Set.of();
    private final CompletableFuture<Void> tornDown = new CompletableFuture<>();

    BootRun(Host host, QemuLauncher launcher, List<VmSpec> specs, BootProbe probe, int parallel, Consumer<String> progress) {
        this.host = host;
        this.launcher = launcher;
        this.specs = List.copyOf(specs);
        this.probe = probe;
        this.parallel = parallel;
        this.progress = progress;
        this.runBase = launcher.options().runBase();
    }

    /**
     * Boots every spec, {@code parallel} at a time, and returns them in id order. When one fails, no
     * further launch starts, the ones under way run to their end (a failed launch cleans up after
     * itself; cancelling one while it does so could cut that short), the VMs that came up are
     * killed, and the first failure is thrown once nothing is left running.
     */
    List<RunningVm> boot() {
        foldersBefore = listRunBase();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Mono<List<RunningVm>> all = Flux.fromIterable(specs)
                .flatMap(spec -> Mono.defer(() -> {
                    if (!failures.isEmpty()) {
                        return Mono.<RunningVm>empty();
                    }
                    progress.accept(spec.name() + ": launching");
                    return launcher.start(host, spec, probe);
                }).doOnNext(vm -> {
                    up.add(vm);
                    progress.accept(vm.name() + ": ready in " + vm.bootTime().toMillis() + " ms (pid " + vm.pid()
                            + ", " + vm.accelerator().name().toLowerCase(java.util.Locale.ROOT) + ")");
                }).onErrorResume(e -> {
                    failures.add(e);
                    progress.accept(spec.name() + ": failed");
                    return Mono.empty();
                }), parallel)
                // a VM that came up just as the run was cancelled is not lost
                .doOnDiscard(RunningVm.class, vm -> {
                    if (!up.contains(vm)) {
                        up.add(vm);
                    }
                })
                .collectSortedList((a, b) -> Integer.compare(a.spec().id(), b.spec().id()));
        try {
            List<RunningVm> vms = await(all);
            if (!failures.isEmpty()) {
                throw Exceptions.propagate(failures.get(0));
            }
            return vms;
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    /** Runs {@code work} as this run's current step; the shutdown hook cancels it. */
    <T> T await(Mono<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (lock) {
            if (interrupted) {
                throw new CliFailure(OneLineErrors.USAGE, "error: interrupted");
            }
            current = work.subscribe(result::complete, result::completeExceptionally, () -> result.complete(null));
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(OneLineErrors.USAGE, "error: interrupted");
        } catch (ExecutionException e) {
            throw Exceptions.propagate(e.getCause());
        }
    }

    /** Every VM's shutdown (guest power-off, then harder), concurrently; then nothing of this run is left. */
    void shutdown() {
        try {
            await(Flux.fromIterable(List.copyOf(up)).flatMap(vm -> {
                long started = System.nanoTime();
                return vm.shutdown().doOnSuccess(v -> {
                    up.remove(vm); // gone: the teardown must not signal its (possibly reused) pid again
                    progress.accept(vm.name() + ": stopped in " + Duration.ofNanos(System.nanoTime() - started).toMillis()
                            + " ms");
                });
            }).then());
        } finally {
            tearDown();
        }
    }

    /**
     * From now on the VMs outlive this run: the shutdown hook leaves them alone, and this run's
     * sessions to them (QMP, console, agent) are closed, because each of those sockets serves one
     * client at a time and the user's tools are next. The processes and run folders stay.
     */
    void keep() {
        synchronized (lock) {
            if (state != State.RUNNING) {
                return;
            }
            state = State.KEPT;
        }
        Flux.fromIterable(up).flatMap(vm -> Mono.whenDelayError(
                        vm.qmp().close(),
                        vm.console().map(c -> c.close()).orElse(Mono.empty()),
                        vm.spec().qgaIsaSerial() || vm.spec().qgaVirtioSerial()
                                ? vm.qga().flatMap(a -> a.close()) : Mono.empty())
                .onErrorResume(e -> {
                    log.debug("{}: closing the sessions: {}", vm.name(), e.toString());
                    return Mono.empty();
                }))
                .then()
                .block(Duration.ofSeconds(30));
    }

    /** The shutdown hook's body: cancel what runs, then make sure this run's VMs are gone. */
    void interrupt() {
        Disposable running;
        synchronized (lock) {
            if (state == State.KEPT) {
                return;
            }
            interrupted = true;
            running = current;
        }
        if (running != null) {
            running.dispose();
        }
        tearDown();
    }

    /**
     * Kills whatever came up and waits until the cancelled launches have cleaned up. The first
     * caller does it; a concurrent one (the shutdown hook while the command tears down) waits for it.
     */
    private void tearDown() {
        boolean mine;
        synchronized (lock) {
            mine = state != State.DONE;
            state = State.DONE;
        }
        if (!mine) {
            try {
                tornDown.get(KILL_WAIT.plus(CLEANUP_WAIT).toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                log.debug("waiting for the teardown: {}", e.toString());
            }
            return;
        }
        try {
            List<RunningVm> vms = new ArrayList<>(up);
            if (!vms.isEmpty()) {
                Flux.fromIterable(vms).flatMap(vm -> vm.kill().onErrorResume(e -> {
                    log.warn("{}: kill failed: {}", vm.name(), e.toString());
                    return Mono.empty();
                })).then().block(KILL_WAIT);
            }
            Set<String> left = awaitLaunchFoldersGone(CLEANUP_WAIT);
            if (!left.isEmpty()) {
                log.warn("run folders still present on {} after {} s: {}", host.name(), CLEANUP_WAIT.toSeconds(), left);
            }
        } catch (RuntimeException e) {
            log.warn("teardown: {}", e.toString());
        } finally {
            tornDown.complete(null);
        }
    }

    /** Waits until no run folder of this run's VM names remains that was not there before; returns what is left. */
    private Set<String> awaitLaunchFoldersGone(Duration bound) {
        Pattern ours = Pattern.compile("(" + specs.stream().map(s -> Pattern.quote(s.name())).collect(Collectors.joining("|"))
                + ")-[0-9a-f]+");
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Set<String> left = new HashSet<>(listRunBase());
            left.removeAll(foldersBefore);
            left.removeIf(name -> !ours.matcher(name).matches());
            if (left.isEmpty() || System.nanoTime() > deadline) {
                return left;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
        }
    }

    private Set<String> listRunBase() {
        try {
            return host.exec(List.of("sh", "-c", "ls -A1 -- \"$1\" 2>/dev/null; true", "sh", runBase))
                    .map(r -> r.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet()))
                    .blockOptional(Duration.ofSeconds(30))
                    .orElse(Set.of());
        } catch (RuntimeException e) {
            log.debug("cannot list {} on {}: {}", runBase, host.name(), e.toString());
            return Set.of();
        }
    }

}
