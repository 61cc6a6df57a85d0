package io.qemureactor.bench;

import io.qemureactor.qmp.QmpClient;
import io.qemureactor.transport.PeerAddress;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * round and each reports its median.
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
    private static final int ROUNDS = 7;
    private static final long WARM_UP_MILLIS = 3_000;

    private final int ops;
    private final int connects;
    private final int socatOps;

    /**
     * @param ops commands per round for the throughput cases
     */
    public QmpBenchmark(int ops) {
        if (ops < 100) {
            throw new IllegalArgumentException("--ops must be at least 100, got " + ops);
        }
        this.ops = ops;
        this.connects = Math.max(20, ops / 100);
        this.socatOps = Math.max(20, ops / 100);
    }

    /** One line of the result table. */
    public record Row(String name, String unit, double raw, double ours, double seed, boolean higherIsBetter) {
        /** ours relative to raw, oriented so that 1.0 is "as good as raw" and less is worse. */
        double ratio() {
            return higherIsBetter ? ours / raw : raw / ours;
        }

        double seedRatio() {
            return higherIsBetter ? seed / raw : raw / seed;
        }
    }

    public List<Row> run(PrintWriter progress) throws Exception {
        try (ScratchQemu qemu = ScratchQemu.start()) {
            Path socket = qemu.qmpSocket();
            PeerAddress address = PeerAddress.unix(socket);
            List<Row> rows = new ArrayList<>();

            // Warm-up until the JIT has settled: our client runs far more code than the raw loop, and
            // a single short warm-up round leaves C2 compiling during the measured rounds.
            progress.println("bench qmp: warming up");
            progress.flush();
            int warmOps = Math.max(100, ops / 5);
            int warmConnects = Math.max(10, connects / 2);
            Measurement.warmUp(3, WARM_UP_MILLIS, () -> rawSequential(socket, warmOps));
            Measurement.warmUp(3, WARM_UP_MILLIS, () -> rawPipelined(socket, warmOps) + rawConnects(socket, warmConnects));
            Measurement.warmUp(3, WARM_UP_MILLIS, () -> oursSequential(address, warmOps));
            Measurement.warmUp(3, WARM_UP_MILLIS, () -> oursPipelined(address, warmOps));
            Measurement.warmUp(3, WARM_UP_MILLIS, () -> oursConnects(address, warmConnects));

            // raw and ours alternate round by round, so a load change on the machine hits both alike
            progress.println("bench qmp: (a) sequential round trips, " + ops + " per round");
            progress.flush();
            double[] seq = Measurement.opsPerSecondInterleaved(ROUNDS, () -> rawSequential(socket, ops),
                    () -> oursSequential(address, ops));
            double seedSeq = Measurement.opsPerSecond(3, () -> socat(socket, socatOps));
            rows.add(new Row("(a) sequential round trips", "ops/s", seq[0], seq[1], seedSeq, true));

            progress.println("bench qmp: (b) " + IN_FLIGHT + " commands in flight, " + ops + " per round");
            progress.flush();
            double[] pipe = Measurement.opsPerSecondInterleaved(ROUNDS, () -> rawPipelined(socket, ops),
                    () -> oursPipelined(address, ops));
            // the seed has no pipelining: one socat per command is all it can do
            rows.add(new Row("(b) " + IN_FLIGHT + " in flight", "ops/s", pipe[0], pipe[1], seedSeq, true));

            progress.println("bench qmp: (c) connect + negotiate + one command, " + connects + " per round");
            progress.flush();
            double[] conn = Measurement.opsPerSecondInterleaved(ROUNDS, () -> rawConnects(socket, connects),
                    () -> oursConnects(address, connects));
            double seedConnect = Measurement.millisPerOp(3, () -> socat(socket, socatOps));
            rows.add(new Row("(c) connect+negotiate+command", "ms", 1000.0 / conn[0], 1000.0 / conn[1], seedConnect,
                    false));
            return rows;
        }
    }

    private static long rawSequential(Path socket, int n) throws Exception {
        try (RawQmpSession s = RawQmpSession.open(socket)) {
            for (int i = 0; i < n; i++) {
                s.execute(QUERY_STATUS);
            }
        }
        return n;
    }

    private static long rawPipelined(Path socket, int n) throws Exception {
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
        return n;
    }

    private static long rawConnects(Path socket, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            try (RawQmpSession s = RawQmpSession.open(socket)) {
                s.execute(QUERY_STATUS);
            }
        }
        return n;
    }

    private static long oursSequential(PeerAddress address, int n) {
        Mono.usingWhen(QmpClient.connect(address),
                        client -> Flux.range(0, n).concatMap(i -> client.execute("query-status")).then(),
                        QmpClient::close)
                .block();
        return n;
    }

    private static long oursPipelined(PeerAddress address, int n) {
        Mono.usingWhen(QmpClient.connect(address),
                        client -> Flux.range(0, n).flatMap(i -> client.execute("query-status"), IN_FLIGHT).then(),
                        QmpClient::close)
                .block();
        return n;
    }

    private static long oursConnects(PeerAddress address, int n) {
        Flux.range(0, n)
                .concatMap(i -> Mono.usingWhen(QmpClient.connect(address),
                        client -> client.execute("query-status"),
                        QmpClient::close))
                .then()
                .block();
        return n;
    }

    private static long socat(Path socket, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            SocatQmp.execute(socket, QUERY_STATUS);
        }
        return n;
    }
}
