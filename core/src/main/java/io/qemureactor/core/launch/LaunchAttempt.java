package io.qemureactor.core.launch;

import io.qemureactor.core.Messages;
import io.qemureactor.console.SerialConsole;
import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.OutputTail;
import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.host.Reaper;
import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootFailedException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VmParts;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.Backoff;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerLiveness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;

/**
 * One launch of one VM, and everything it has acquired so far, so that a failure or a cancel
 * at any step releases exactly that: sessions closed, process killed by pid, run folder removed.
 */
final class LaunchAttempt {

    private static final Logger log = LoggerFactory.getLogger(LaunchAttempt.class);
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private final Host host;
    /** What runs QEMU: set from {@link #prepared} once the run folder is ready, before any step reads it. */
    private volatile QemuCommandLine cmd;
    /** The command line to run, made once the run folder exists (a {@link RunFolderPreparer} may write into it first). */
    private final Mono<QemuCommandLine> prepared;
    private final String runFolder;
    private final BootProbe probe;
    private final LaunchOptions options;
    private final long startedNanos;
    private final String name;
    private final PendingCleanups cleanups;
    /** A state to load between QEMU's start and {@code cont} (a restore), or null for a boot. */
    private final IncomingState incoming;

    private final Object lock = new Object();
    /** The run folder's creation, once begun: it runs to its end even if the launch is cancelled meanwhile. */
    private Mono<Void> folderCreation;
    private boolean aborted;
    private HostProcess process;
    private QmpClient qmp;
    private SerialConsole console;
    private Mono<QgaClient> agent;
    /** The run folder's (and then QEMU's) entry in the host's reaper: if this JVM dies, the reaper removes them. */
    private Reaper.Entry reaped;

    /**
     * @param cmd      the command line rendered from the spec given to the launcher (its name is the VM's)
     * @param prepared the command line to run, subscribed after the run folder is created: {@code cmd} itself,
     *                 or what the run folder preparer's spec renders to
     */
    LaunchAttempt(Host host, QemuCommandLine cmd, Mono<QemuCommandLine> prepared, String runFolder, BootProbe probe,
                  LaunchOptions options, long startedNanos, PendingCleanups cleanups) {
        this(host, cmd, prepared, runFolder, probe, options, startedNanos, cleanups, null);
    }

    /** A launch that loads {@code incoming} (may be null: a boot) before the guest is resumed. */
    LaunchAttempt(Host host, QemuCommandLine cmd, Mono<QemuCommandLine> prepared, String runFolder, BootProbe probe,
                  LaunchOptions options, long startedNanos, PendingCleanups cleanups, IncomingState incoming) {
        this.incoming = incoming;
        this.host = host;
        this.cmd = cmd;
        this.prepared = prepared;
        this.runFolder = runFolder;
        this.probe = probe;
        this.options = options;
        this.startedNanos = startedNanos;
        this.name = cmd.spec().name();
        this.cleanups = cleanups;
    }

    Mono<RunningVm> run() {
        Mono<RunningVm> steps = Mono.defer(this::createFolder)
                .then(Mono.defer(() -> host.reaper().trackFolder(runFolder)))
                .doOnNext(e -> {
                    synchronized (lock) {
                        reaped = e;
                    }
                })
                // the preparer's files land in the folder now, so a failure here removes them too
                .then(prepared)
                .doOnNext(c -> cmd = c)
                .then(Mono.defer(this::startProcess))
                .flatMap(p -> reaped().addProcess(p.pid()).thenReturn(p))
                .flatMap(p -> connectQmp(p).flatMap(q -> connectConsole(p)
                        .then(Mono.fromRunnable(() -> {
                            Mono<QgaClient> connector = agentConnector(p);
                            synchronized (lock) {
                                agent = connector;
                            }
                        }))
                        .then(incoming == null ? Mono.empty() : Mono.defer(() -> incoming.load(q)))
                        .then(q.execute(QmpCommands.cont()))
                        .then(Mono.defer(() -> awaitReady(p, q)))))
                .then(Mono.fromSupplier(this::handOver));
        return steps
                .onErrorResume(e -> abort(e).then(Mono.error(e)))
                // doFinally, not doOnCancel: the cleanup starts after the cancel reached the probe, so closing
                // the console cannot make a still-subscribed probe fail into onErrorDropped. Whoever cancelled
                // awaits its end through QemuLauncher.settled().
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL) {
                        abort(null);
                    }
                });
    }

    /**
     * Creates the run folder in a subscription of its own, which a cancel of the launch does not cut short:
     * a cancel that came while the folder was being made (the folder there, its completion not yet
     * delivered) would otherwise leave it behind, unknown to the cleanup. The cleanup awaits it instead.
     */
    private Mono<Void> createFolder() {
        Sinks.Empty<Void> created = Sinks.empty();
        synchronized (lock) {
            if (aborted) {
                return Mono.empty();
            }
            folderCreation = created.asMono();
        }
        host.createPrivateFolder(runFolder).subscribe(v -> { }, created::tryEmitError, created::tryEmitEmpty);
        return created.asMono();
    }

    private Reaper.Entry reaped() {
        synchronized (lock) {
            return reaped;
        }
    }

    /** The process is recorded even if the launch was cancelled while it started, so it is never lost. */
    private Mono<HostProcess> startProcess() {
        List<String> argv = new ArrayList<>(cmd.argv());
        if (incoming != null) {
            argv.addAll(incoming.arguments());
        }
        argv.add("-S");
        return Mono.create(sink -> host.start(argv, cmd.layout().qemuLog().toString()).subscribe(p -> {
            boolean killNow;
            synchronized (lock) {
                process = p;
                killNow = aborted;
            }
            if (killNow) {
                p.kill().subscribe(v -> { }, e -> { });
            }
            sink.success(p);
        }, sink::error));
    }

    private ConnectPolicy policy(HostProcess p) {
        PeerLiveness alive = () -> Mono.fromSupplier(p::isAlive);
        // QEMU opens its sockets some 100-300 ms after exec: the default backoff (doubling to 500 ms) would find them
        // up to that much later, which is more than a whole restore from a template takes; 50 ms caps the loss
        return ConnectPolicy.defaults().withTimeout(options.qmpConnectTimeout()).withLiveness(alive)
                .withBackoff(Backoff.exponential(Duration.ofMillis(5), Duration.ofMillis(50)));
    }

    private Mono<QmpClient> connectQmp(HostProcess p) {
        QmpConnectOptions qmpOptions = QmpConnectOptions.defaults()
                .withResources(options.resources())
                .withConnectPolicy(policy(p));
        return host.reachUnixSocket(cmd.qmpSocket().toString())
                .flatMap(address -> QmpClient.connect(QemuLauncher.peer(address), qmpOptions))
                .doOnNext(q -> {
                    synchronized (lock) {
                        qmp = q;
                    }
                });
    }

    private Mono<Void> connectConsole(HostProcess p) {
        Optional<Path> socket = cmd.consoleSocket();
        if (socket.isEmpty()) {
            return Mono.empty();
        }
        return host.reachUnixSocket(socket.get().toString())
                .flatMap(address -> SerialConsole.connect(QemuLauncher.peer(address), options.resources(), policy(p)))
                .doOnNext(c -> {
                    synchronized (lock) {
                        console = c;
                    }
                })
                .then();
    }

    /** Connects to the agent's socket on first use (not at launch: a probe or the user may never need it). */
    private Mono<QgaClient> agentConnector(HostProcess p) {
        Optional<Path> socket = cmd.qgaSocket().or(cmd::qgaVirtioSocket);
        if (socket.isEmpty()) {
            return null;
        }
        QmpConnectOptions qgaOptions = QmpConnectOptions.defaults().withResources(options.resources()).withConnectPolicy(policy(p));
        return host.reachUnixSocket(socket.get().toString())
                .flatMap(address -> QgaClient.connect(QemuLauncher.peer(address), qgaOptions))
                // a failed connect is not remembered; a made one is shared
                .cache(c -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** The probe, raced against QEMU exiting and the guest shutting down, bounded by the probe's timeout. */
    private Mono<Void> awaitReady(HostProcess p, QmpClient q) {
        BootContext context;
        synchronized (lock) {
            context = new BootContext(name, q, Optional.ofNullable(agent), Optional.ofNullable(console));
        }
        Mono<Void> ready = probe.await(context)
                .timeout(probe.timeout(), Mono.error(() -> new BootFailedException(name + " was not ready within "
                        + probe.timeout().toSeconds() + " s (" + probe.describe() + ")", new TimeoutException())));
        Mono<Void> died = p.onExit().flatMap(code -> Mono.error(new BootFailedException(
                "QEMU exited with status " + code + " during boot")));
        Mono<Void> shutDown = q.events().filter(e -> e.is("SHUTDOWN")).next().flatMap(e -> Mono.error(new BootFailedException(
                "the guest powered off during boot (SHUTDOWN, reason " + e.data().path("reason").asText("?") + ")")));
        return Mono.firstWithSignal(ready, died, shutDown);
    }

    private RunningVm handOver() {
        Duration boot = Duration.ofNanos(System.nanoTime() - startedNanos);
        synchronized (lock) {
            return new RunningVm(new VmParts(cmd, process, runFolder, qmp, Optional.ofNullable(console),
                    Optional.ofNullable(agent), boot, Optional.ofNullable(reaped)));
        }
    }

    /**
     * Releases what was acquired, and turns {@code cause} (null on cancel) into one
     * {@link VmLaunchException} carrying QEMU's exit status and the tails of its output and console.
     */
    private Mono<Void> abort(Throwable cause) {
        HostProcess p;
        QmpClient q;
        SerialConsole c;
        Mono<QgaClient> a;
        Mono<Void> creation;
        Reaper.Entry entry;
        synchronized (lock) {
            if (aborted) {
                return Mono.empty();
            }
            aborted = true;
            p = process;
            q = qmp;
            c = console;
            a = agent;
            creation = folderCreation;
            entry = reaped;
        }
        // the exit status only if QEMU had exited by itself before we kill it
        // after the process is gone and the folder removed (or kept on purpose): the reaper has nothing left to do
        Mono<Void> forget = entry == null ? Mono.empty() : entry.forget();
        Mono<OptionalInt> exitBeforeKill = p == null || p.isAlive() ? Mono.just(OptionalInt.empty())
                : p.onExit().map(OptionalInt::of);
        List<String> consoleTail = c == null ? List.of() : c.tail(OutputTail.LINES);
        Mono<Void> closeSessions = Mono.whenDelayError(
                q == null ? Mono.empty() : q.close().onErrorResume(e -> Mono.empty()),
                c == null ? Mono.empty() : c.close().onErrorResume(e -> Mono.empty()),
                a == null ? Mono.empty() : a.flatMap(QgaClient::close).onErrorResume(e -> Mono.empty()));
        Mono<Void> stopProcess = p == null ? Mono.empty()
                : p.kill().then(p.onExit().timeout(EXIT_WAIT).then()).onErrorResume(e -> {
                    log.warn("{}: QEMU pid {} did not exit after SIGKILL: {}", name, p.pid(), e.toString());
                    return Mono.empty();
                });
        Mono<List<String>> outputTail = p == null ? Mono.just(List.of())
                : p.outputTail().map(t -> t.isEmpty() ? List.<String>of() : t.lines().toList()).onErrorReturn(List.of());
        // a folder whose creation failed is not ours to remove (it may be another VM's); one still being made
        // is awaited (bounded: a host that never answers is given up on, and the folder removed anyway)
        Mono<Void> removeFolder = creation == null || (cause != null && options.keepRunFolderOnFailure()) ? Mono.empty()
                : creation.timeout(EXIT_WAIT, Mono.empty())
                        .then(Mono.just(true))
                        .onErrorReturn(false)
                        .flatMap(created -> !created ? Mono.<Void>empty() : host.deleteFolder(runFolder).onErrorResume(e -> {
                            log.warn("{}: cannot remove {}: {}", name, runFolder, e.toString());
                            return Mono.empty();
                        }));
        Mono<Void> cleanup = exitBeforeKill.flatMap(exit -> closeSessions.then(stopProcess).then(outputTail)
                .flatMap(tail -> removeFolder.then(forget).then(cause == null ? Mono.<Void>empty()
                        : Mono.error(describe(cause, exit, tail, consoleTail)))));
        return cleanups.runAlsoIn(host.cleanups(), cleanup, name);
    }

    private VmLaunchException describe(Throwable cause, OptionalInt exit, List<String> qemuTail, List<String> consoleTail) {
        StringBuilder m = new StringBuilder(name).append(" on ").append(host.name()).append(" failed to boot: ")
                .append(Messages.oneLine(cause));
        if (exit.isPresent() && !String.valueOf(cause.getMessage()).contains("exited with status")) {
            m.append("; QEMU exited with status ").append(exit.getAsInt());
        }
        VmLaunchException.lastLine(qemuTail).ifPresent(line -> m.append(": ").append(line));
        return new VmLaunchException(name, m.toString(), cause, exit, qemuTail, consoleTail);
    }

}
