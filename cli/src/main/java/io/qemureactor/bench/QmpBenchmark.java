package io.qemureactor.bench;

import io.qemureactor.qmp.QmpClient;
import io.qemureactor.transport.PeerAddress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor bench qmp}: the QMP client against the floor QEMU allows (a plain blocking
 * socket in the same JVM) and against the seed's method (one socat process per command), all
 * against one {@code -machine none} QEMU in the same run. Only one client talks to the monitor
 * at a time (a QMP socket serves one connection), so the cases run one after another: all are
 * warmed up first (for seconds, until the JIT settles), then raw and ours alternate round by
 * round; the ratio is the median of the per-round ratios (see {@link Measurement#interleaved}).
 */
public final class QmpBenchmark {

    /**
     * The raw client sends the same bytes as ours: QEMU charges CPU per request byte (~6 µs a
     * byte on 7.2), so a floor that left out the {@code id} every correlating client must send
     * would measure the request size, not the client. Sequential use is always id 1; with 8 in
     * flight ours reuses ids 1..8, as does the raw client.
     */
    private static final String QUERY_STATUS = "{\"execute\":\"query-status\",\"id\":1}";

    private static String queryStatus(int id) {
        return "{\"execute\":\"query-status\",\"id\":" + id + "}";
    }
    private static final int IN_FLIGHT = 8;
    /** Defaults: enough rounds for a steady median, enough warm-up for C2 to finish. */
    public static final int DEFAULT_ROUNDS = 9;

    private final int ops;
    private final int rounds;
    private final long warmUpMillis;
    private final int connects;
    private final int socatOps;
    private final Teardown teardown = new Teardown();

    /**
     * @param ops commands per round for the throughput cases
     * @param rounds measured rounds per case (each side)
     * @param warmUp minimum warm-up per case
     */
    public QmpBenchmark(int ops, int rounds, Duration warmUp) {
        if (ops < 100) {
            throw new IllegalArgumentException("--ops must be at least 100, got " + ops);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (warmUp.isNegative()) {
            throw new IllegalArgumentException("--warm-up must not be negative, got " + warmUp);
        }
        this.ops = ops;
        this.rounds = rounds;
        this.warmUpMillis = warmUp.toMillis();
        // a round of connects lasts about as long as a throughput round's tenth: long enough that
        // one scheduler hiccup or GC pause does not decide the round (50-connect rounds of ~60 ms
        // gave per-round ratios from 0.4 to 1.0 within one run)
        this.connects = Math.max(20, ops / 10);
        this.socatOps = Math.max(20, ops / 100);
    }

    /**
     * One line of the result table. {@code raw}, {@code ours}, {@code seed} are medians in
     * {@code unit}; {@code ratio} (with its spread over the rounds) is ours against raw, paired
     * round by round, oriented so that 1.0 is "as good as raw" and less is worse.
     */
    public record Row(String name, String unit, double raw, double ours, double seed, boolean higherIsBetter,
            double ratio, double lowestRatio, double highestRatio) {

        Row(String name, String unit, Measurement.Paired rates, double seed, boolean higherIsBetter) {
            this(name, unit, higherIsBetter ? rates.rateA() : 1000.0 / rates.rateA(),
                    higherIsBetter ? rates.rateB() : 1000.0 / rates.rateB(), seed, higherIsBetter,
                    rates.ratio(), rates.lowestRatio(), rates.highestRatio());
        }

        /** The seed relative to raw, same orientation (not paired: the seed runs separately). */
        double seedRatio() {
            return higherIsBetter ? seed / raw : raw / seed;
        }
    }

    /** The three cases against one scratch QEMU, when subscribed; the QEMU is killed whatever happens. */
    public Mono<List<Row>> run(PrintWriter progress) {
        return teardown.using(ScratchQemu.start(), qemu -> qemu.awaitSocket().flatMap(socket -> measure(socket, progress)),
                ScratchQemu::stop, "scratch QEMU");
    }

    /** Completes once a cancelled run's QEMU is gone. */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    private Mono<List<Row>> measure(Path socket, PrintWriter progress) {
        PeerAddress address = PeerAddress.unix(socket);
        List<Row> rows = new ArrayList<>();
        int warmOps = Math.max(100, ops / 5);
        int warmConnects = Math.max(10, connects / 2);
        // Warm-up until the JIT has settled: our client runs far more code than the raw loop, and
        // a single short warm-up round leaves C2 compiling during the measured rounds.
        Mono<Void> warmUp = BootBenchmark.say(progress, "bench qmp: warming up")
                .then(Measurement.warmUp(3, warmUpMillis, () -> rawSequential(() -> RawQmpSession.open(socket), warmOps)))
                .then(Measurement.warmUp(3, warmUpMillis,
                        () -> rawPipelined(socket, warmOps).zipWhen(done -> rawConnects(() -> RawQmpSession.open(socket), warmConnects), Long::sum)))
                .then(Measurement.warmUp(3, warmUpMillis, () -> oursSequential(address, warmOps)))
                .then(Measurement.warmUp(3, warmUpMillis, () -> oursPipelined(address, warmOps)))
                .then(Measurement.warmUp(3, warmUpMillis, () -> oursConnects(address, warmConnects)));

        // raw and ours alternate round by round, so a load change on the machine hits both alike
        Mono<Void> sequential = BootBenchmark.say(progress, "bench qmp: (a) sequential round trips, " + ops + " per round")
                .then(Measurement.interleaved(rounds, () -> rawSequential(() -> RawQmpSession.open(socket), ops), () -> oursSequential(address, ops)))
                .zipWhen(seq -> Measurement.opsPerSecond(3, () -> socat(socket, socatOps)))
                .flatMap(seq -> {
                    rows.add(new Row("(a) sequential round trips", "ops/s", seq.getT1(), seq.getT2(), true));
                    return BootBenchmark.say(progress, "bench qmp: (b) " + IN_FLIGHT + " commands in flight, " + ops + " per round")
                            .then(Measurement.interleaved(rounds, () -> rawPipelined(socket, ops), () -> oursPipelined(address, ops)))
                            // the seed has no pipelining: one socat per command is all it can do
                            .doOnNext(pipe -> rows.add(new Row("(b) " + IN_FLIGHT + " in flight", "ops/s", pipe, seq.getT2(), true)));
                })
                .then();
        Mono<Void> connect = BootBenchmark.say(progress, "bench qmp: (c) connect + negotiate + one command, " + connects + " per round")
                .then(Measurement.interleaved(rounds, () -> rawConnects(() -> RawQmpSession.open(socket), connects), () -> oursConnects(address, connects)))
                .zipWhen(conn -> Measurement.millisPerOp(3, () -> socat(socket, socatOps)))
                .doOnNext(conn -> rows.add(new Row("(c) connect+negotiate+command", "ms", conn.getT1(), conn.getT2(), false)))
                .then();
        return warmUp.then(sequential).then(connect).then(Mono.fromCallable(() -> List.copyOf(rows)));
    }

    /** The floor: blocking socket I/O as plain as it gets, on a bounded-elastic worker. */
    static Mono<Long> rawSequential(RawQmpSession.Opener opener, int n) {
        return BlockingIo.call(() -> {
            try (RawQmpSession s = opener.open()) {
                for (int i = 0; i < n; i++) {
                    s.execute(QUERY_STATUS);
                }
            }
            return (long) n;
        });
    }

    private static Mono<Long> rawPipelined(Path socket, int n) {
        return BlockingIo.call(() -> {
            try (RawQmpSession s = RawQmpSession.open(socket)) {
                // keep IN_FLIGHT commands outstanding: a reply read lets the next command go
                int sent = 0;
                int received = 0;
                while (sent < Math.min(IN_FLIGHT, n)) {
                    s.send(queryStatus(sent % IN_FLIGHT + 1));
                    sent++;
                }
                while (received < n) {
                    s.readReply();
                    received++;
                    if (sent < n) {
                        s.send(queryStatus(sent % IN_FLIGHT + 1));
                        sent++;
                    }
                }
            }
            return (long) n;
        });
    }

    static Mono<Long> rawConnects(RawQmpSession.Opener opener, int n) {
        return BlockingIo.call(() -> {
            for (int i = 0; i < n; i++) {
                try (RawQmpSession s = opener.open()) {
                    s.execute(QUERY_STATUS);
                }
            }
            return (long) n;
        });
    }

    private static Mono<Long> oursSequential(PeerAddress address, int n) {
        return Mono.usingWhen(QmpClient.connect(address),
                        client -> Flux.range(0, n).concatMap(i -> client.execute("query-status")).then(),
                        QmpClient::close)
                .thenReturn((long) n);
    }

    private static Mono<Long> oursPipelined(PeerAddress address, int n) {
        return Mono.usingWhen(QmpClient.connect(address),
                        client -> Flux.range(0, n).flatMap(i -> client.execute("query-status"), IN_FLIGHT).then(),
                        QmpClient::close)
                .thenReturn((long) n);
    }

    private static Mono<Long> oursConnects(PeerAddress address, int n) {
        return Flux.range(0, n)
                .concatMap(i -> Mono.usingWhen(QmpClient.connect(address),
                        client -> client.execute("query-status"),
                        QmpClient::close))
                .then()
                .thenReturn((long) n);
    }

    private static Mono<Long> socat(Path socket, int n) {
        return Flux.range(0, n).concatMap(i -> SocatQmp.execute(socket, QUERY_STATUS)).then().thenReturn((long) n);
    }
}
