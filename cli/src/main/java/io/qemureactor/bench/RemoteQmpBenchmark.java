package io.qemureactor.bench;

import io.qemureactor.core.host.ShellQuoting;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import io.qemureactor.core.host.SshUnixSocket;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.transport.PeerAddress;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor bench qmp --host ssh://…}: the QMP client on a monitor's unix socket here
 * against the same client through the SSH host's forward of that socket, in alternating rounds
 * (paired ratios, {@link Measurement#interleaved}), and the seed's way to reach a remote monitor,
 * one {@code ssh … socat} per command. The monitor is a {@code -machine none} QEMU on this
 * machine, so the SSH host must be this machine (an sshd on 127.0.0.1): the ratios are then what
 * the forward costs, without a network.
 */
public final class RemoteQmpBenchmark {

    /** Few: each is a whole SSH connection and login (seconds where the login shell is slow). */
    private static final int SEED_OPS = 3;
    private static final int REACHES = 10;

    private final int ops;
    private final int rounds;
    private final long warmUpMillis;
    private final int connects;

    /** One row: here and over SSH in {@code unit}, the paired ratio oriented so that 1.00x = as good as here. */
    public record Row(String name, String unit, double local, double remote, double ratio, double lowestRatio,
                      double highestRatio, double seed) {
    }

    public RemoteQmpBenchmark(int ops, int rounds, Duration warmUp) {
        if (ops < 100) {
            throw new IllegalArgumentException("--ops must be at least 100, got " + ops);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        this.ops = ops;
        this.rounds = rounds;
        this.warmUpMillis = warmUp.toMillis();
        this.connects = Math.max(20, ops / 10);
    }

    public List<Row> run(SshHost host, PrintWriter progress) throws Exception {
        try (ScratchQemu qemu = ScratchQemu.start()) {
            Path socket = qemu.qmpSocket();
            PeerAddress local = PeerAddress.unix(socket);
            BootBenchmark.say(progress, "bench qmp: forwarding " + socket + " from " + host.name());
            double[] reach = new double[REACHES];
            SshUnixSocket reached = null;
            for (int i = 0; i < REACHES; i++) {
                long start = System.nanoTime();
                reached = (SshUnixSocket) host.reachUnixSocket(socket.toString()).block(Duration.ofSeconds(60));
                reach[i] = (System.nanoTime() - start) / 1e6;
            }
            // what the engine uses: the client on an SSH channel of its own per connection
            PeerAddress forward = PeerAddress.stream(reached.toString(), reached);
            // for comparison: JSch's local port forward (a listening socket, a thread per connection)
            InetSocketAddress port = host.forwardUnixSocket(socket.toString()).block(Duration.ofSeconds(60));
            PeerAddress portForward = PeerAddress.tcp(port.getHostString(), port.getPort());
            List<String> seedArgv = seedArgv(host.target(), socket);

            BootBenchmark.say(progress, "bench qmp: warming up");
            int warmOps = Math.max(100, ops / 5);
            Measurement.warmUp(3, warmUpMillis, () -> sequential(local, warmOps) + sequential(forward, warmOps));
            Measurement.warmUp(3, warmUpMillis, () -> connects(local, connects / 2) + connects(forward, connects / 2));

            List<Row> rows = new ArrayList<>();
            BootBenchmark.say(progress, "bench qmp: (a) sequential round trips, " + ops + " per round");
            Measurement.Paired seq = Measurement.interleaved(rounds, () -> sequential(local, ops), () -> sequential(forward, ops));
            BootBenchmark.say(progress, "bench qmp: seed, ssh + socat per command, " + SEED_OPS + " per round");
            double seedMillis = Measurement.millisPerOp(3, () -> seed(seedArgv, SEED_OPS));
            rows.add(new Row("(a) sequential round trips", "ops/s", seq.rateA(), seq.rateB(), seq.ratio(), seq.lowestRatio(),
                    seq.highestRatio(), 1000.0 / seedMillis));

            BootBenchmark.say(progress, "bench qmp: (c) connect + negotiate + one command, " + connects + " per round");
            Measurement.Paired conn = Measurement.interleaved(rounds, () -> connects(local, connects), () -> connects(forward, connects));
            // as a time: remote / local time, so 1.50x = half as fast again as here
            rows.add(new Row("(c) connect+negotiate+command", "ms", 1000.0 / conn.rateA(), 1000.0 / conn.rateB(),
                    1.0 / conn.ratio(), 1.0 / conn.highestRatio(), 1.0 / conn.lowestRatio(), seedMillis));
            BootBenchmark.say(progress, "bench qmp: (c) again through JSch's local port forward, " + connects + " per round");
            Measurement.Paired viaPort = Measurement.interleaved(rounds, () -> connects(local, connects),
                    () -> connects(portForward, connects));
            rows.add(new Row("(c) through a JSch local port forward instead", "ms", 1000.0 / viaPort.rateA(),
                    1000.0 / viaPort.rateB(), 1.0 / viaPort.ratio(), 1.0 / viaPort.highestRatio(), 1.0 / viaPort.lowestRatio(),
                    seedMillis));
            rows.add(new Row("socket awaited on the host (once per socket)", "ms", Double.NaN,
                    Measurement.median(reach), Double.NaN, Double.NaN, Double.NaN, Double.NaN));
            return rows;
        }
    }

    /** The seed's remote QMP: {@code ssh} to the host, {@code socat} there, one process pair per command. */
    private static List<String> seedArgv(SshTarget target, Path socket) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-p", Integer.toString(target.port()), "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + target.knownHosts()));
        target.identity().ifPresent(key -> argv.addAll(List.of("-i", key.toString())));
        argv.add(target.user() + "@" + target.host());
        argv.add(ShellQuoting.join(SocatQmp.argv(socket)));
        return argv;
    }

    private static long sequential(PeerAddress address, int n) {
        Mono.usingWhen(QmpClient.connect(address),
                        client -> Flux.range(0, n).concatMap(i -> client.execute("query-status")).then(),
                        QmpClient::close)
                .block();
        return n;
    }

    private static long connects(PeerAddress address, int n) {
        Flux.range(0, n)
                .concatMap(i -> Mono.usingWhen(QmpClient.connect(address), client -> client.execute("query-status"), QmpClient::close))
                .then()
                .block();
        return n;
    }

    private static long seed(List<String> argv, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            SocatQmp.execute(argv, "{\"execute\":\"query-status\"}");
        }
        return n;
    }

    /** The table, in Markdown. */
    public static void print(List<Row> rows, String host, PrintWriter out) {
        out.println("| case | unit | here (unix socket) | over SSH (SSH channel) | ratio (rounds' range) | seed: ssh + socat per command |");
        out.println("| --- | --- | ---: | ---: | ---: | ---: |");
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |", r.name(), r.unit(), num(r.local()),
                    num(r.remote()), Double.isNaN(r.ratio()) ? "-"
                            : String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)", r.ratio(), r.lowestRatio(), r.highestRatio()),
                    num(r.seed())));
        }
        out.println();
        out.println("Over SSH: " + host + ". (a): over SSH / here in ops/s, 1.00x = as fast; (c): over SSH / here in time,"
                + " 1.00x = as fast, higher is slower; paired per round, here and over SSH alternating. The seed column is in"
                + " the row's unit.");
        out.flush();
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
