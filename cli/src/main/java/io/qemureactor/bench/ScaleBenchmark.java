package io.qemureactor.bench;

import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.PeerLiveness;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The scale case of {@code bench boot}: M {@code qemu-system-x86_64 -machine none} processes (the
 * cheapest real QEMU: no guest, just the monitor), each launched, connected, negotiated and asked
 * {@code query-status}, all at once.
 * <ul>
 * <li><b>raw</b>: every process started with {@link ProcessBuilder} from one thread, then at most
 *     {@value #RAW_POOL} at a time, each on a bounded-elastic worker, connect to a monitor with a plain
 *     blocking socket (a connect QEMU has not made possible yet tried again 10 ms later with
 *     {@code Mono.delay}), read the greeting, negotiate and query ({@link RawQmpSession});
 * <li><b>ours</b>: the engine's pieces below the launcher (whose specs always boot a machine with a
 *     guest, so it cannot launch {@code -machine none}): {@code LocalHost.start} for each process and
 *     qmp-netty's {@code QmpClient.connect} with the launcher's connect policy (backoff 10 ms doubling
 *     to 500 ms, QEMU's liveness checked after each failed attempt), merged with {@code flatMap}, no
 *     thread per VM.
 * </ul>
 * Both keep every session open until all M have answered; the wall time runs from the first start to
 * the last answer. Every QEMU is killed by pid at the end, whatever happened.
 */
public final class ScaleBenchmark {

    static final int RAW_POOL = 16;
    private static final Duration RAW_RETRY = Duration.ofMillis(10);
    private static final Duration CONNECT_BOUND = Duration.ofMinutes(3);
    private static final String QUERY_STATUS = "{\"execute\":\"query-status\"}";

    /** One size: wall times, and the peaks of this JVM while the case ran. */
    public record Row(int vms, double rawSeconds, double oursSeconds, int rawPeakThreads, int oursPeakThreads,
                      int oursPeakReapers, int oursPeakOthers, int idleOthers, double oursPeakHeapMib,
                      double oursLiveHeapMib) {
        public double ratio() {
            return oursSeconds / rawSeconds;
        }
    }

    private final List<Integer> sizes;
    private final Teardown teardown = new Teardown();

    public ScaleBenchmark(List<Integer> sizes) {
        if (sizes.stream().anyMatch(m -> m < 1 || m > 1000)) {
            throw new IllegalArgumentException("--scale must be between 1 and 1000, got " + sizes);
        }
        this.sizes = List.copyOf(sizes);
    }

    /** Every size, raw and ours alternating in order, when subscribed; every QEMU is killed whatever happens. */
    public Mono<List<Row>> run(PrintWriter progress) {
        if (sizes.isEmpty()) {
            return Mono.just(List.of());
        }
        return BootBenchmark.say(progress, "bench boot: scale: warming up (10 -machine none QEMUs each way)")
                .then(raw(10))
                .then(ours(10))
                .thenMany(Flux.range(0, sizes.size()).concatMap(i -> {
                    int m = sizes.get(i);
                    Mono<Measured[]> both = i % 2 == 0
                            ? raw(m).zipWhen(r -> ours(m), (r, o) -> new Measured[] {r, o})
                            : ours(m).zipWhen(o -> raw(m), (o, r) -> new Measured[] {r, o});
                    return both.flatMap(pair -> {
                        Measured raw = pair[0];
                        Measured ours = pair[1];
                        Row row = new Row(m, raw.wallNanos / 1e9, ours.wallNanos / 1e9, raw.peakAll, ours.peakAll,
                                ours.peakReapers, ours.peakOthers, ours.idleOthers, ours.peakHeap / 1048576.0,
                                ours.liveHeap / 1048576.0);
                        return BootBenchmark.say(progress, String.format(Locale.ROOT, "bench boot: scale %d: raw %.2f s (all "
                                        + "started at %.2f s), ours %.2f s (all started at %.2f s), ours' threads at peak %d (%d "
                                        + "process reapers, %d others)", m, row.rawSeconds(), raw.allStartedNanos / 1e9,
                                row.oursSeconds(), ours.allStartedNanos / 1e9, row.oursPeakThreads(), row.oursPeakReapers(),
                                row.oursPeakOthers())).thenReturn(row);
                    });
                }))
                .collectList();
    }

    /** Completes once a cancelled run's QEMUs are gone. */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    private record Measured(long wallNanos, long allStartedNanos, int peakAll, int peakReapers, int peakOthers, int idleOthers,
                            long peakHeap, long liveHeap) {
    }

    /** Both sides connect to every QEMU's monitor: {@code wait=on}, as the engine's argv (see QemuCommandLine). */
    static List<String> argv(Path dir) {
        return List.of(BootGuests.QEMU, "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=on");
    }

    /**
     * The baseline, standing for "M QEMUs driven without our engine": started with {@link ProcessBuilder} from one
     * thread, then at most {@value #RAW_POOL} plain blocking sockets at a time (on bounded-elastic workers) connect,
     * negotiate and query, a connect QEMU has not made possible yet retried 10 ms later ({@code Mono.delay}).
     */
    private Mono<Measured> raw(int m) {
        List<RawQmpSession> sessions = Collections.synchronizedList(new ArrayList<>());
        return teardown.using(StartedProcesses.in("qrb-sr"), run -> {
            ThreadSampler[] sampler = new ThreadSampler[1];
            long[] started = new long[2];
            Mono<List<Process>> startAll = BlockingIo.call(() -> {
                List<Path> dirs = new ArrayList<>();
                for (int i = 1; i <= m; i++) {
                    dirs.add(Files.createDirectory(run.base().resolve("m" + i)));
                }
                sampler[0] = ThreadSampler.start();
                started[0] = System.nanoTime();
                List<Process> processes = new ArrayList<>();
                for (Path dir : dirs) {
                    processes.add(run.start(new ProcessBuilder(argv(dir)).redirectErrorStream(true)
                            .redirectOutput(dir.resolve("qemu.log").toFile())));
                }
                started[1] = System.nanoTime() - started[0];
                return processes;
            });
            return startAll
                    .flatMapMany(processes -> Flux.range(0, m).flatMap(i -> {
                        Path socket = run.base().resolve("m" + (i + 1)).resolve("qmp.sock");
                        return openAndQuery(socket, processes.get(i), sessions);
                    }, RAW_POOL))
                    .then()
                    .timeout(CONNECT_BOUND)
                    .then(Mono.fromCallable(() -> {
                        long wall = System.nanoTime() - started[0];
                        ThreadSampler s = sampler[0];
                        s.close();
                        return new Measured(wall, started[1], s.peakAll(), s.peakReapers(), s.peakOthers(), 0,
                                s.peakHeapBytes(), 0);
                    }))
                    .doFinally(signal -> {
                        if (sampler[0] != null) {
                            sampler[0].close();
                        }
                    });
        }, run -> closeAll(sessions).then(run.close()), "raw scale of " + m);
    }

    private static Mono<Void> closeAll(List<RawQmpSession> sessions) {
        return BlockingIo.run(() -> {
            synchronized (sessions) {
                for (RawQmpSession s : sessions) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the process is killed next anyway
                    }
                }
            }
        });
    }

    /**
     * Connects once QEMU has created its monitor socket, negotiates and queries, on a bounded-elastic worker; a
     * connect that fails while QEMU lives is tried again 10 ms later ({@code Mono.delay}), the simplest way.
     */
    private static Mono<Void> openAndQuery(Path socket, Process p, List<RawQmpSession> sessions) {
        return BlockingIo.call(() -> {
            RawQmpSession session;
            try {
                session = RawQmpSession.open(socket);
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("raw: cannot reach " + socket + " (QEMU ended): " + e, e);
                }
                return null; // not yet: empty, tried again
            }
            sessions.add(session);
            session.execute(QUERY_STATUS);
            return session;
        }).repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.concatMap(i -> Mono.delay(RAW_RETRY))).then();
    }

    private Mono<Measured> ours(int m) {
        LocalHost host = LocalHost.instance();
        List<HostProcess> processes = new CopyOnWriteArrayList<>();
        List<QmpClient> clients = new CopyOnWriteArrayList<>();
        return teardown.using(BlockingIo.call(() -> BootGuests.tempBase("qrb-so")), base -> BlockingIo.call(() -> {
            System.gc();
            return new long[] {ThreadSampler.othersNow(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()};
        }).flatMap(before -> Mono.using(ThreadSampler::start, sampler -> Mono.defer(() -> {
            long start = System.nanoTime();
            AtomicLong lastStart = new AtomicLong();
            return Flux.range(1, m)
                    .flatMap(i -> {
                        Path dir = base.resolve("m" + i);
                        return host.createPrivateFolder(dir.toString())
                                .then(host.start(argv(dir), dir.resolve("qemu.log").toString()))
                                .doOnNext(p -> {
                                    processes.add(p);
                                    lastStart.accumulateAndGet(System.nanoTime() - start, Math::max);
                                })
                                .flatMap(p -> QmpClient.connect(PeerAddress.unix(dir.resolve("qmp.sock")), options(p)))
                                .doOnNext(clients::add)
                                .flatMap(c -> c.execute("query-status"));
                    }, m)
                    .then()
                    .timeout(CONNECT_BOUND)
                    .then(Mono.fromCallable(() -> System.nanoTime() - start))
                    .flatMap(wall -> BlockingIo.call(() -> {
                        sampler.close();
                        // what the M open sessions hold once the garbage is gone (outside the timed part)
                        System.gc();
                        long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - before[1];
                        return new Measured(wall, lastStart.get(), sampler.peakAll(), sampler.peakReapers(),
                                sampler.peakOthers(), (int) before[0], sampler.peakHeapBytes(), live);
                    }));
        }), ThreadSampler::close)), base -> Flux.fromIterable(clients).flatMap(c -> c.close().onErrorResume(e -> Mono.empty()))
                .then(Flux.fromIterable(processes)
                        .flatMap(p -> p.kill().then(p.onExit().timeout(Duration.ofSeconds(30)).then())
                                .onErrorResume(e -> Mono.empty()))
                        .then())
                .then(BlockingIo.run(() -> BootGuests.deleteTree(base))), "scale of " + m);
    }

    /** The launcher's connect policy (its backoff and a liveness check), with room for M QEMUs starting at once. */
    private static QmpConnectOptions options(HostProcess p) {
        PeerLiveness alive = () -> Mono.fromSupplier(p::isAlive);
        return QmpConnectOptions.defaults()
                .withConnectPolicy(ConnectPolicy.defaults().withTimeout(CONNECT_BOUND).withLiveness(alive));
    }

    public static void print(List<Row> rows, PrintWriter out) {
        if (rows.isEmpty()) {
            return;
        }
        out.println("| -machine none QEMUs | raw: ProcessBuilder + " + RAW_POOL + " blocking sockets at a time | qemu-reactor: LocalHost"
                + " + QmpClient, flatMap | ratio to raw | raw: threads at peak | qemu-reactor: threads at peak"
                + " | of which JDK process reapers | others (idle before) | heap at peak | live heap, all sessions open |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %d | %.2f s | %.2f s | %.2fx | %d | %d | %d | %d (%d) | %.0f MiB | %.1f MiB |",
                    r.vms(), r.rawSeconds(), r.oursSeconds(), r.ratio(), r.rawPeakThreads(), r.oursPeakThreads(),
                    r.oursPeakReapers(), r.oursPeakOthers(), r.idleOthers(), r.oursPeakHeapMib(), r.oursLiveHeapMib()));
        }
        out.println();
        out.println("Threads: peaks of this JVM sampled every 10 ms while the case ran. java.lang.Process keeps one"
                + " 'process reaper' thread per live child, in both columns; 'others' is every other thread (engine, JVM).");
        out.flush();
    }
}
