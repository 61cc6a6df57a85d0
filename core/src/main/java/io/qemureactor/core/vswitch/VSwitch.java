package io.qemureactor.core.vswitch;

import io.qemureactor.core.cmdline.UnixSocketPathTooLongException;
import io.qemureactor.core.host.CommandNotFoundException;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.InteractiveProcess;
import io.qemureactor.core.host.Packages;
import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.host.Reaper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * A vSwitch on a host: one {@code dpdk-testpmd} serving {@link SwitchSpec#ports()} vhost-user ports, each a
 * socket it creates in its own run folder and listens on, so the switch is up before any VM connects
 * (QEMU is the client: neither side waits for the other forever). Driven through testpmd's interactive
 * console ({@link TestpmdConsole}).
 *
 * <pre>{@code
 * VSwitch.start(LocalHost.instance(), SwitchSpec.of("sw", 2), "/tmp/qr")
 *         .flatMap(sw -> sw.counters().doOnNext(System.out::println).then(sw.stop()));
 * }</pre>
 *
 * <p>Like a VM: known by its exact pid, and {@link #stop()} completes only once the process is gone and its
 * run folder removed. A failed or cancelled start kills what it started and removes its folder; {@link #settled()}
 * completes once that is done.
 */
public final class VSwitch {

    private static final Logger log = LoggerFactory.getLogger(VSwitch.class);
    /** How long {@code quit} may take before the switch is killed. */
    static final Duration QUIT_GRACE = Duration.ofSeconds(10);
    /** A burst testpmd sends with {@code start tx_first}: well inside a virtio ring (256). */
    public static final int MAX_BURST = 32;
    private static final int MAX_SOCKET_PATH = 107;

    private final Host host;
    private final SwitchSpec spec;
    private final Path runFolder;
    private final String filePrefix;
    private final InteractiveProcess process;
    private final TestpmdConsole console;
    private final Mono<Void> stop;

    /** The cleanups of failed and cancelled starts, for {@link #settled()}. */
    private static final PendingCleanups CLEANUPS = new PendingCleanups();

    private VSwitch(Host host, SwitchSpec spec, Path runFolder, String filePrefix, InteractiveProcess process,
                    TestpmdConsole console, Reaper.Entry reaped) {
        this.host = host;
        this.spec = spec;
        this.runFolder = runFolder;
        this.filePrefix = filePrefix;
        this.process = process;
        this.console = console;
        // gone and removed: the host's reaper has nothing left to do for it
        // one stop, run to its end once begun (a subscriber that cancels stops listening, not stopping), and
        // awaited by settled() too: a chain cancelled mid-run stops its switches with nobody listening
        this.stop = Mono.defer(() -> CLEANUPS.runAlsoIn(host.cleanups(), quitOrKill(process).then(cleanup(host, runFolder, filePrefix))
                .then(reaped.forget()), "stop of switch " + spec.name() + " on " + host.name())).cache();
    }

    /**
     * Starts the switch in a new run folder under {@code runBase} on {@code host} and completes once its
     * console is up (its sockets exist). Fails with a {@link CommandNotFoundException} naming
     * {@code apt-get install dpdk-dev} when testpmd is missing, with a {@link SwitchException} quoting its
     * output when it exits or does not come up within {@link SwitchSpec#readyTimeout()}; then nothing it
     * started is left. Cancelling kills it and removes the folder; {@link #settled()} awaits that.
     *
     * @param host where testpmd runs
     * @param spec the switch
     * @param runBase the folder on the host under which the switch's run folder is made
     * @return a cold Mono of the running switch, which the caller must {@link #stop()}; each subscription starts a switch of its own
     */
    public static Mono<VSwitch> start(Host host, SwitchSpec spec, String runBase) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(runBase, "runBase");
        return Mono.defer(() -> {
            String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
            Path folder = Path.of(runBase, "switch-" + spec.name() + "-" + suffix);
            String prefix = "qr-" + spec.name() + "-" + suffix;
            checkSocketPaths(spec, folder);
            return checkInstalled(host, spec)
                    .then(hugepagesFree(host, spec))
                    .flatMap(huge -> launch(host, spec, folder, prefix, huge));
        });
    }

    /**
     * The folder, then the process, go to the host's {@link Reaper} before they exist: if this JVM dies at
     * any point, the reaper stops testpmd and removes the folder.
     */
    private static Mono<VSwitch> launch(Host host, SwitchSpec spec, Path folder, String prefix, boolean huge) {
        return host.reaper().trackFolder(folder.toString()).flatMap(reaped -> launch(host, spec, folder, prefix, huge, reaped));
    }

    private static Mono<VSwitch> launch(Host host, SwitchSpec spec, Path folder, String prefix, boolean huge,
                                        Reaper.Entry reaped) {
        List<String> argv = spec.argv(folder, prefix, huge);
        log.debug("switch {}: {}", spec.name(), argv);
        Attempt attempt = new Attempt(host, spec, folder, prefix, reaped);
        return attempt.createFolder(folder)
                .then(attempt.startProcess(argv))
                .flatMap(process -> reaped.addProcess(process.pid()).thenReturn(process))
                .flatMap(process -> {
                    TestpmdConsole console = new TestpmdConsole(process);
                    VSwitch sw = new VSwitch(host, spec, folder, prefix, process, console, reaped);
                    return console.ready()
                            .timeout(spec.readyTimeout())
                            .thenReturn(sw)
                            .onErrorResume(e -> process.outputTail().onErrorReturn("")
                                    .flatMap(tail -> Mono.error(new SwitchException("switch " + spec.name() + " on "
                                            + host.name() + " did not start (" + describe(e) + "): "
                                            + tail.replace('\n', '|'), e))));
                })
                .onErrorResume(e -> attempt.abort().then(Mono.error(e)))
                // doFinally: the cleanup starts once the cancel has reached every step; settled() awaits it
                .doFinally(signal -> {
                    if (signal == SignalType.CANCEL) {
                        attempt.abort();
                    }
                });
    }

    /**
     * Completes when the cleanups of every switch start that failed or was cancelled, and every {@link #stop()}
     * begun, before this subscription (testpmd killed and reaped, its folder removed) have ended: a cancelled
     * {@link #start} cannot be awaited through its own Mono, nor a stop started by a cancel (a chain's), so
     * this is how whoever cancelled awaits them (a CLI's teardown, a test).
     *
     * @return a cold Mono that completes (never fails) once those cleanups have ended
     */
    public static Mono<Void> settled() {
        return CLEANUPS.settled();
    }

    /**
     * One start's state: the folder's creation and the process once begun, and the one cleanup of a failed or
     * cancelled start. Both steps run to their end once begun, even if the start is cancelled meanwhile, so
     * that the cleanup finds the folder made (and removes it) and the process started (and kills it): a cancel
     * that came while either was under way would otherwise leave it behind.
     */
    private static final class Attempt {
        /** How long the cleanup waits for a folder's creation still under way before it removes the folder anyway. */
        private static final Duration CREATION_WAIT = Duration.ofSeconds(10);

        private final Host host;
        private final SwitchSpec spec;
        private final Mono<Void> removeFolder;
        private Mono<Void> creating;
        private Mono<InteractiveProcess> starting;
        private Mono<Void> aborting;

        Attempt(Host host, SwitchSpec spec, Path folder, String prefix, Reaper.Entry reaped) {
            this.host = host;
            this.spec = spec;
            this.removeFolder = cleanup(host, folder, prefix).then(reaped.forget());
        }

        Mono<Void> createFolder(Path folder) {
            return toTheEnd(Mono.defer(() -> host.createPrivateFolder(folder.toString())), m -> creating = m);
        }

        Mono<InteractiveProcess> startProcess(List<String> argv) {
            return toTheEnd(Mono.defer(() -> host.startInteractive(argv)), m -> starting = m);
        }

        /** Runs {@code step} in a subscription of its own, remembered for the cleanup; nothing once the cleanup began. */
        private <T> Mono<T> toTheEnd(Mono<T> step, Consumer<Mono<T>> remember) {
            return Mono.defer(() -> {
                Mono<T> running = step.cache();
                synchronized (this) {
                    if (aborting != null) {
                        return Mono.<T>empty();
                    }
                    remember.accept(running);
                }
                running.subscribe(v -> { }, e -> { });
                return running;
            });
        }

        /** Starts the cleanup (once) and returns it: kill the process if one was started, then remove the folder. */
        synchronized Mono<Void> abort() {
            if (aborting == null) {
                Mono<Void> made = creating == null ? Mono.empty()
                        : creating.timeout(CREATION_WAIT, Mono.empty()).onErrorResume(e -> Mono.empty());
                Mono<InteractiveProcess> started = starting;
                Mono<Void> kill = started == null ? Mono.empty()
                        : started.onErrorResume(e -> Mono.empty()).flatMap(VSwitch::killAndWait);
                aborting = CLEANUPS.runAlsoIn(host.cleanups(), made.then(kill).then(removeFolder),
                        "switch " + spec.name() + " on " + host.name());
            }
            return aborting;
        }
    }

    private static String describe(Throwable e) {
        return e instanceof java.util.concurrent.TimeoutException ? "no prompt in time" : "it exited";
    }

    private static void checkSocketPaths(SwitchSpec spec, Path folder) {
        for (int port = 0; port < spec.ports(); port++) {
            Path socket = SwitchSpec.socket(folder, port);
            int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
            if (length > MAX_SOCKET_PATH) {
                throw new UnixSocketPathTooLongException("switch port " + port, socket, length, MAX_SOCKET_PATH);
            }
            if (socket.toString().contains(",")) {
                throw new SwitchException("switch port " + port + " socket " + socket
                        + " has a comma, which DPDK's --vdev arguments cannot carry: use another run folder");
            }
        }
    }

    /** One line naming the package when testpmd is missing, instead of stdbuf's complaint. */
    private static Mono<Void> checkInstalled(Host host, SwitchSpec spec) {
        return host.isReadable(spec.binary().toString()).flatMap(ok -> ok ? Mono.<Void>empty()
                : Mono.error(new CommandNotFoundException(spec.binary().getFileName().toString(), host.name(),
                        Packages.installHint("dpdk-testpmd"))));
    }

    /** True when the spec wants huge pages and the host has enough free for the switch's memory. */
    private static Mono<Boolean> hugepagesFree(Host host, SwitchSpec spec) {
        if (!spec.useHugepages()) {
            return Mono.just(false);
        }
        return host.readFile("/proc/meminfo")
                .map(bytes -> HugepageInfo.freeMib(new String(bytes, StandardCharsets.UTF_8)) >= spec.memoryMib())
                .onErrorReturn(false);
    }

    /**
     * The host testpmd runs on.
     *
     * @return the host
     */
    public Host host() {
        return host;
    }

    /**
     * What this switch was started from.
     *
     * @return the spec
     */
    public SwitchSpec spec() {
        return spec;
    }

    /**
     * The testpmd process, by exact pid.
     *
     * @return the process
     */
    public HostProcess process() {
        return process;
    }

    /**
     * The switch's run folder on the host (its sockets live here; removed by {@link #stop()}).
     *
     * @return the folder path on the host
     */
    public Path runFolder() {
        return runFolder;
    }

    /**
     * The socket of port {@code port} (0-based), for a VM's {@code VhostUserNic.client(...)}.
     *
     * @param port the 0-based vhost-user port
     * @return the socket's path on the host
     * @throws IllegalArgumentException if {@code port} is not a vhost-user port of this switch
     */
    public Path socket(int port) {
        if (port < 0 || port >= spec.ports()) {
            throw new IllegalArgumentException("switch " + spec.name() + " has ports 0-" + (spec.ports() - 1) + ", not " + port);
        }
        return SwitchSpec.socket(runFolder, port);
    }

    /**
     * Every vhost-user port's socket, in port order.
     *
     * @return the socket paths on the host
     */
    public List<Path> sockets() {
        return IntStream.range(0, spec.ports()).mapToObj(this::socket).toList();
    }

    /**
     * Every port's counters.
     *
     * @return a cold Mono of the counters, one per port; fails with {@link SwitchException} if testpmd has ended
     */
    public Mono<List<PortCounters>> counters() {
        return console.command("show port stats all").map(PortCounters::parse);
    }

    /**
     * One port's counters.
     *
     * @param port the 0-based vhost-user port
     * @return a cold Mono of the counters; fails with {@link SwitchException} if testpmd printed none or has ended
     * @throws IllegalArgumentException at the call, if {@code port} is not a vhost-user port of this switch
     */
    public Mono<PortCounters> counters(int port) {
        socket(port);
        return console.command("show port stats " + port).map(PortCounters::parse)
                .flatMap(list -> Mono.justOrEmpty(list.stream().filter(c -> c.port() == port).findFirst()))
                .switchIfEmpty(Mono.error(() -> new SwitchException("testpmd printed no statistics for port " + port)));
    }

    /**
     * Every port's packet rates over {@code window}: the counters read, read again {@code window} later, the
     * differences over the time between the two replies.
     *
     * @param window the time between the two readings
     * @return a cold Mono of each port's rates, in packets per second
     */
    public Mono<List<PortRate>> rates(Duration window) {
        return Mono.defer(() -> counters().map(before -> new Reading(System.nanoTime(), before))
                .delayElement(window)
                .flatMap(first -> counters().map(after -> {
                    double seconds = (System.nanoTime() - first.at()) / 1e9;
                    return IntStream.range(0, Math.min(first.counters().size(), after.size()))
                            .mapToObj(i -> new PortRate(after.get(i).port(),
                                    (after.get(i).rxPackets() - first.counters().get(i).rxPackets()) / seconds,
                                    (after.get(i).txPackets() - first.counters().get(i).txPackets()) / seconds))
                            .toList();
                })));
    }

    private record Reading(long at, List<PortCounters> counters) {
    }

    /**
     * Whether a VM's driver has port {@code port} up (the guest set up its rings).
     *
     * @param port the 0-based vhost-user port
     * @return a cold Mono of true when the link is up
     * @throws IllegalArgumentException at the call, if {@code port} is not a vhost-user port of this switch
     */
    public Mono<Boolean> linkUp(int port) {
        socket(port);
        return console.command("show port info " + port).map(reply -> reply.contains("Link status: up"));
    }

    /**
     * Starts forwarding in the spec's mode.
     *
     * @return a cold Mono that completes once testpmd replied
     */
    public Mono<Void> startForwarding() {
        return console.command("start").then();
    }

    /**
     * Stops forwarding; the counters stay.
     *
     * @return a cold Mono that completes once testpmd replied
     */
    public Mono<Void> stopForwarding() {
        return console.command("stop").then();
    }

    /**
     * Any testpmd console command, for what this class does not wrap; completes with its reply.
     *
     * @param line one console command, without line end
     * @return a cold Mono of testpmd's reply (the text up to the next prompt); fails with {@link IllegalArgumentException} for a multi-line command, {@link SwitchException} if testpmd has ended
     */
    public Mono<String> command(String line) {
        if (line.contains("\n") || line.contains("\r")) {
            return Mono.error(new IllegalArgumentException("one command, one line: " + line));
        }
        return console.command(line);
    }

    /**
     * Sends {@code packets} generated packets (64 bytes, testpmd's txonly template) out of every port, paced to
     * {@code packetsPerSecond}: in steps of at most {@value #BURSTS_PER_STEP} bursts of {@value #MAX_BURST}
     * back to back (testpmd's {@code start tx_first N}, then {@code stop}), each step started when the rate
     * says it is due. Forwarding must be stopped when it begins, and is stopped when it ends. Completes once
     * the last step is out; the ports' TX counters say how many really left (a full ring refuses packets).
     * Meant for a generator whose ports lead into a chain and that forwards nothing itself
     * ({@link SwitchMode#RXONLY}): a step costs two console round trips, which bounds the rate it reaches.
     *
     * @param packets how many packets each port sends, at least 1
     * @param packetsPerSecond the pace, at least 1
     * @return a cold Mono that completes once the last step is out; fails with {@link IllegalArgumentException} for non-positive arguments
     */
    public Mono<Void> send(long packets, long packetsPerSecond) {
        if (packets < 1 || packetsPerSecond < 1) {
            return Mono.error(new IllegalArgumentException("packets and rate must be positive: " + packets + ", "
                    + packetsPerSecond));
        }
        List<SendStep> steps = SendStep.plan(packets, MAX_BURST, BURSTS_PER_STEP);
        return Mono.defer(() -> {
            long t0 = System.nanoTime();
            long[] sent = {0};
            int[] burst = {-1};
            return Flux.fromIterable(steps).concatMap(step -> {
                long due = t0 + sent[0] * 1_000_000_000L / packetsPerSecond - System.nanoTime();
                sent[0] += step.packets();
                Mono<?> wait = due > 0 ? Mono.delay(Duration.ofNanos(due)) : Mono.empty();
                Mono<?> resize = Mono.empty();
                if (burst[0] != step.burst()) {
                    burst[0] = step.burst();
                    resize = console.command("set burst " + step.burst());
                }
                return wait.then(resize).then(console.command("start tx_first " + step.bursts()))
                        .then(console.command("stop"));
            }).then();
        });
    }

    /** Bursts one step sends back to back: 256 packets, a quarter of the 1024-entry rings a chain's NICs have. */
    public static final int BURSTS_PER_STEP = 8;

    /**
     * Completes with testpmd's exit status when it ends, for whatever reason (cached).
     *
     * @return a Mono of the exit status; every subscriber gets the same value
     */
    public Mono<Integer> onExit() {
        return process.onExit();
    }

    /**
     * Stops the switch: {@code quit} on its console (it closes its ports and sockets), {@code SIGKILL} if it is
     * not gone within {@link #QUIT_GRACE}; completes when the process is gone and its run folder removed.
     * Idempotent: every call shares the one stop.
     *
     * @return the shared stop Mono; lazy, run once on first subscription, then replayed
     */
    public Mono<Void> stop() {
        return stop;
    }

    private static Mono<Void> quitOrKill(InteractiveProcess process) {
        return Mono.defer(() -> process.isAlive() ? quit(process) : process.onExit().then());
    }

    private static Mono<Void> quit(InteractiveProcess process) {
        Mono<Void> quit = process.write("quit\n").onErrorResume(e -> Mono.empty())
                .then(process.onExit())
                .timeout(QUIT_GRACE)
                .then();
        return quit.onErrorResume(e -> killAndWait(process));
    }

    private static Mono<Void> killAndWait(HostProcess process) {
        return process.kill().onErrorResume(e -> Mono.empty()).then(process.onExit()).then();
    }

    /** The run folder, and DPDK's runtime folder of a {@code --no-huge} run (left behind by a kill). */
    private static Mono<Void> cleanup(Host host, Path folder, String prefix) {
        // once more if the first pass raced with testpmd unlinking its own sockets on its way out
        return host.deleteFolder(folder.toString()).onErrorResume(e -> host.deleteFolder(folder.toString()))
                .then(host.deleteFolder("/var/run/dpdk/" + prefix).onErrorResume(e -> Mono.empty()));
    }

    @Override
    public String toString() {
        return "switch " + spec.name() + " (" + process + ", " + spec.ports() + " ports in " + runFolder + ")";
    }
}
