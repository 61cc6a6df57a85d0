package io.qemureactor.bench;

import io.qemureactor.core.host.ShellQuoting;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import io.qemureactor.core.host.SshUnixSocket;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.transport.PeerAddress;
import java.io.PrintWriter;
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
    private final Teardown teardown = new Teardown();

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

    /** The cases, when subscribed, against one scratch QEMU here reached through {@code host}; the QEMU is killed whatever happens. */
    public Mono<List<Row>> run(SshHost host, PrintWriter progress) {
        return teardown.using(ScratchQemu.start(), qemu -> qemu.awaitSocket().flatMap(socket -> measure(host, socket, progress)),
                ScratchQemu::stop, "scratch QEMU");
    }

    /** Completes once a cancelled run's QEMU is gone. */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    private Mono<List<Row>> measure(SshHost host, Path socket, PrintWriter progress) {
        PeerAddress local = PeerAddress.unix(socket);
        double[] reach = new double[REACHES];
        Mono<SshUnixSocket> reaching = Flux.range(0, REACHES)
                .concatMap(i -> Mono.defer(() -> {
                    long start = System.nanoTime();
                    return host.reachUnixSocket(socket.toString()).timeout(Duration.ofSeconds(60))
                            .doOnNext(reached -> reach[i] = (System.nanoTime() - start) / 1e6);
                }))
                .last()
                .cast(SshUnixSocket.class);
        return BootBenchmark.say(progress, "bench qmp: forwarding " + socket + " from " + host.name())
                .then(reaching)
                // what the engine uses: the client on an SSH channel of its own per connection; for comparison,
                // JSch's local port forward (a listening socket, a thread per connection)
                .zipWhen(reached -> host.forwardUnixSocket(socket.toString()).timeout(Duration.ofSeconds(60)))
                .flatMap(ways -> {
                    PeerAddress forward = PeerAddress.stream(ways.getT1().toString(), ways.getT1());
                    PeerAddress portForward = PeerAddress.tcp(ways.getT2().getHostString(), ways.getT2().getPort());
                    return cases(local, forward, portForward, seedArgv(host.target(), socket), progress)
                            .flatMap(rows -> floor(host.target(), socket, progress).map(floor -> {
                                List<Row> all = new ArrayList<>(rows);
                                all.addAll(floor);
                                return all;
                            }));
                })
                .map(rows -> {
                    List<Row> all = new ArrayList<>(rows);
                    all.add(new Row("socket awaited on the host (once per socket)", "ms", Double.NaN,
                            Measurement.median(reach), Double.NaN, Double.NaN, Double.NaN, Double.NaN));
                    return all;
                });
    }

    private Mono<List<Row>> cases(PeerAddress local, PeerAddress forward, PeerAddress portForward, List<String> seedArgv,
                                  PrintWriter progress) {
        List<Row> rows = new ArrayList<>();
        int warmOps = Math.max(100, ops / 5);
        Mono<Void> warmUp = BootBenchmark.say(progress, "bench qmp: warming up")
                .then(Measurement.warmUp(3, warmUpMillis,
                        () -> sequential(local, warmOps).zipWhen(done -> sequential(forward, warmOps), Long::sum)))
                .then(Measurement.warmUp(3, warmUpMillis,
                        () -> connects(local, connects / 2).zipWhen(done -> connects(forward, connects / 2), Long::sum)));
        Mono<Void> sequential = BootBenchmark.say(progress, "bench qmp: (a) sequential round trips, " + ops + " per round")
                .then(Measurement.interleaved(rounds, () -> sequential(local, ops), () -> sequential(forward, ops)))
                .flatMap(seq -> BootBenchmark.say(progress, "bench qmp: seed, ssh + socat per command, " + SEED_OPS + " per round")
                        .then(Measurement.millisPerOp(3, () -> seed(seedArgv, SEED_OPS)))
                        .doOnNext(seedMillis -> rows.add(new Row("(a) sequential round trips", "ops/s", seq.rateA(), seq.rateB(),
                                seq.ratio(), seq.lowestRatio(), seq.highestRatio(), 1000.0 / seedMillis))))
                .then();
        // as a time: remote / local time, so 1.50x = half as fast again as here
        Mono<Double> seedMillis = Mono.fromCallable(() -> 1000.0 / rows.get(0).seed());
        Mono<Void> connect = BootBenchmark.say(progress, "bench qmp: (c) connect + negotiate + one command, " + connects + " per round")
                .then(Measurement.interleaved(rounds, () -> connects(local, connects), () -> connects(forward, connects)))
                .zipWith(seedMillis)
                .doOnNext(c -> rows.add(connectRow("(c) connect+negotiate+command", c.getT1(), c.getT2())))
                .then(BootBenchmark.say(progress, "bench qmp: (c) again through JSch's local port forward, " + connects + " per round"))
                .then(Measurement.interleaved(rounds, () -> connects(local, connects), () -> connects(portForward, connects)))
                .zipWith(seedMillis)
                .doOnNext(c -> rows.add(connectRow("(c) through a JSch local port forward instead", c.getT1(), c.getT2())))
                .then();
        return warmUp.then(sequential).then(connect).then(Mono.fromCallable(() -> List.copyOf(rows)));
    }

    /**
     * The floor, with no engine on either side: a blocking client ({@link RawQmpSession}) on the local socket
     * against the same client on a bare SSH channel ({@link BareSshChannels}), (a) and (c) as above. The
     * engine's ratios are read against these: what is left between them is the engine's own cost over SSH.
     */
    private Mono<List<Row>> floor(SshTarget target, Path socket, PrintWriter progress) {
        RawQmpSession.Opener here = () -> RawQmpSession.open(socket);
        return teardown.using(BlockingIo.call(() -> BareSshChannels.open(target)), bare -> {
            RawQmpSession.Opener overSsh = () -> bare.connect(socket.toString());
            return BootBenchmark.say(progress, "bench qmp: the floor, a blocking client with no engine, here and on a bare SSH channel")
                    .then(Measurement.warmUp(3, warmUpMillis, () -> QmpBenchmark.rawSequential(here, ops / 5)
                            .zipWhen(done -> QmpBenchmark.rawSequential(overSsh, ops / 5), Long::sum)))
                    .then(Measurement.interleaved(rounds, () -> QmpBenchmark.rawSequential(here, ops),
                            () -> QmpBenchmark.rawSequential(overSsh, ops)))
                    .zipWhen(seq -> Measurement.interleaved(rounds, () -> QmpBenchmark.rawConnects(here, connects),
                            () -> QmpBenchmark.rawConnects(overSsh, connects)))
                    .map(both -> List.of(
                            new Row("(a) floor: a blocking client, no engine", "ops/s", both.getT1().rateA(), both.getT1().rateB(),
                                    both.getT1().ratio(), both.getT1().lowestRatio(), both.getT1().highestRatio(), Double.NaN),
                            connectRow("(c) floor: a blocking client, no engine", both.getT2(), Double.NaN)));
        }, bare -> BlockingIo.run(bare::close), "bare SSH session");
    }

    /** A connect row as times: over SSH / here, so 1.50x = half as slow again as here. */
    private static Row connectRow(String name, Measurement.Paired conn, double seedMillis) {
        return new Row(name, "ms", 1000.0 / conn.rateA(), 1000.0 / conn.rateB(), 1.0 / conn.ratio(),
                1.0 / conn.highestRatio(), 1.0 / conn.lowestRatio(), seedMillis);
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

    private static Mono<Long> sequential(PeerAddress address, int n) {
        return Mono.usingWhen(QmpClient.connect(address),
                        client -> Flux.range(0, n).concatMap(i -> client.execute("query-status")).then(),
                        QmpClient::close)
                .thenReturn((long) n);
    }

    private static Mono<Long> connects(PeerAddress address, int n) {
        return Flux.range(0, n)
                .concatMap(i -> Mono.usingWhen(QmpClient.connect(address), client -> client.execute("query-status"), QmpClient::close))
                .then()
                .thenReturn((long) n);
    }

    private static Mono<Long> seed(List<String> argv, int n) {
        return Flux.range(0, n).concatMap(i -> SocatQmp.execute(argv, "{\"execute\":\"query-status\"}")).then().thenReturn((long) n);
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
