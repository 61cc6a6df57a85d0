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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The scale case of {@code bench boot}: M {@code qemu-system-x86_64 -machine none} processes (the
 * cheapest real QEMU: no guest, just the monitor), each launched, connected, negotiated and asked
 * {@code query-status}, all at once.
 * <ul>
 * <li><b>raw</b>: every process started with {@link ProcessBuilder} from one thread, then a fixed pool
 *     of {@value #RAW_POOL} threads connects to each monitor with a plain blocking socket (retrying
 *     every 10 ms until QEMU has created it), reads the greeting, negotiates and queries
 *     ({@link RawQmpSession});
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

    public ScaleBenchmark(List<Integer> sizes) {
        if (sizes.stream().anyMatch(m -> m < 1 || m > 1000)) {
            throw new IllegalArgumentException("--scale must be between 1 and 1000, got " + sizes);
        }
        this.sizes = List.copyOf(sizes);
    }

    public List<Row> run(PrintWriter progress) throws Exception {
        List<Row> rows = new ArrayList<>();
        if (sizes.isEmpty()) {
            return rows;
        }
        BootBenchmark.say(progress, "bench boot: scale: warming up (10 -machine none QEMUs each way)");
        raw(10);
        ours(10);
        for (int i = 0; i < sizes.size(); i++) {
            int m = sizes.get(i);
            Measured raw;
            Measured ours;
            if (i % 2 == 0) {
                raw = raw(m);
                ours = ours(m);
            } else {
                ours = ours(m);
                raw = raw(m);
            }
            Row row = new Row(m, raw.wallNanos / 1e9, ours.wallNanos / 1e9, raw.peakAll, ours.peakAll, ours.peakReapers,
                    ours.peakOthers, ours.idleOthers, ours.peakHeap / 1048576.0, ours.liveHeap / 1048576.0);
            rows.add(row);
            BootBenchmark.say(progress, String.format(Locale.ROOT, "bench boot: scale %d: raw %.2f s (all started at %.2f s), ours %.2f s"
                    + " (all started at %.2f s), ours' threads at peak %d (%d process reapers, %d others)", m,
                    row.rawSeconds(), raw.allStartedNanos / 1e9, row.oursSeconds(), ours.allStartedNanos / 1e9,
                    row.oursPeakThreads(), row.oursPeakReapers(), row.oursPeakOthers()));
        }
        return rows;
    }

    private record Measured(long wallNanos, long allStartedNanos, int peakAll, int peakReapers, int peakOthers, int idleOthers,
                            long peakHeap, long liveHeap) {
    }

    static List<String> argv(Path dir) {
        return List.of(BootGuests.QEMU, "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off");
    }

    private static Measured raw(int m) throws Exception {
        Path base = BootGuests.tempBase("qrb-sr");
        List<Process> processes = Collections.synchronizedList(new ArrayList<>());
        List<RawQmpSession> sessions = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(RAW_POOL);
        try {
            List<Path> dirs = new ArrayList<>();
            for (int i = 1; i <= m; i++) {
                dirs.add(Files.createDirectory(base.resolve("m" + i)));
            }
            try (ThreadSampler sampler = ThreadSampler.start()) {
                long start = System.nanoTime();
                for (Path dir : dirs) {
                    processes.add(new ProcessBuilder(argv(dir)).redirectErrorStream(true)
                            .redirectOutput(dir.resolve("qemu.log").toFile()).start());
                }
                long allStarted = System.nanoTime() - start;
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < m; i++) {
                    Path dir = dirs.get(i);
                    Process p = processes.get(i);
                    done.add(pool.submit(() -> {
                        RawQmpSession s = openWhenReady(dir.resolve("qmp.sock"), p);
                        sessions.add(s);
                        s.execute(QUERY_STATUS);
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(CONNECT_BOUND.toSeconds(), TimeUnit.SECONDS);
                }
                long wall = System.nanoTime() - start;
                sampler.close();
                return new Measured(wall, allStarted, sampler.peakAll(), sampler.peakReapers(), sampler.peakOthers(), 0,
                        sampler.peakHeapBytes(), 0);
            }
        } finally {
            pool.shutdownNow();
            synchronized (sessions) {
                for (RawQmpSession s : sessions) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // the process is killed next anyway
                    }
                }
            }
            synchronized (processes) {
                processes.forEach(Process::destroyForcibly);
                processes.forEach(BootGuests::kill);
            }
            BootGuests.deleteTree(base);
        }
    }

    /** Connects once QEMU has created its monitor socket: retried every 10 ms, the simplest way. */
    private static RawQmpSession openWhenReady(Path socket, Process p) throws Exception {
        long deadline = System.nanoTime() + CONNECT_BOUND.toNanos();
        while (true) {
            try {
                return RawQmpSession.open(socket);
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("raw: cannot reach " + socket + " (QEMU alive: " + p.isAlive() + "): " + e, e);
                }
                Thread.sleep(10);
            }
        }
    }

    private static Measured ours(int m) throws Exception {
        Path base = BootGuests.tempBase("qrb-so");
        LocalHost host = LocalHost.instance();
        List<HostProcess> processes = new CopyOnWriteArrayList<>();
        List<QmpClient> clients = new CopyOnWriteArrayList<>();
        try {
            System.gc();
            int idleOthers = ThreadSampler.othersNow();
            long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            try (ThreadSampler sampler = ThreadSampler.start()) {
                long start = System.nanoTime();
                AtomicLong lastStart = new AtomicLong();
                Flux.range(1, m)
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
                        .block(CONNECT_BOUND);
                long wall = System.nanoTime() - start;
                sampler.close();
                // what the M open sessions hold once the garbage is gone (outside the timed part)
                System.gc();
                long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() - heapBefore;
                return new Measured(wall, lastStart.get(), sampler.peakAll(), sampler.peakReapers(), sampler.peakOthers(),
                        idleOthers, sampler.peakHeapBytes(), live);
            }
        } finally {
            Flux.fromIterable(clients).flatMap(c -> c.close().onErrorResume(e -> Mono.empty())).then()
                    .block(Duration.ofSeconds(60));
            Flux.fromIterable(processes)
                    .flatMap(p -> p.kill().then(p.onExit().timeout(Duration.ofSeconds(30)).then())
                            .onErrorResume(e -> Mono.empty()))
                    .then()
                    .block(Duration.ofSeconds(60));
            BootGuests.deleteTree(base);
        }
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
        out.println("| -machine none QEMUs | raw: ProcessBuilder + " + RAW_POOL + " blocking threads | qemu-reactor: LocalHost"
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
