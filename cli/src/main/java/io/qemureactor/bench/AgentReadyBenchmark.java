package io.qemureactor.bench;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code bench agent}: how long after the guest's agent starts listening the QGA probe calls the
 * VM ready. The test guest starts qemu-ga and then prints its marker, so on one boot both probes
 * run side by side: the marker probe's time is an upper bound of "the agent listens", and the
 * lag of the agent probe behind it is the probe's own delay (what it loses to requests written
 * before the agent opened its port). Boot times themselves vary with the machine's load; the lag
 * on the same boot does not.
 */
public final class AgentReadyBenchmark {

    /** One boot: milliseconds from the launch to the marker and to the agent probe's "ready". */
    public record Row(int round, long markerMillis, long agentMillis) {
        public long lagMillis() {
            return agentMillis - markerMillis;
        }
    }

    private static final Duration BOUND = Duration.ofMinutes(5);

    private final int rounds;
    private final Teardown teardown = new Teardown();

    public AgentReadyBenchmark(int rounds) {
        if (rounds < 1 || rounds > 50) {
            throw new IllegalArgumentException("--rounds must be between 1 and 50, got " + rounds);
        }
        this.rounds = rounds;
    }

    /** The boots, one after another, when subscribed; each VM is stopped whatever happens. */
    public Mono<List<Row>> run(GuestKit kit, PrintWriter progress) {
        QemuLauncher launcher = teardown.track(QemuLauncher.withDefaults());
        return Flux.range(1, rounds).concatMap(round -> Mono.defer(() -> {
            long started = System.nanoTime();
            long[] at = new long[2];
            BootProbe probe = BootProbe.all(timed(kit.readyProbe(), at, 0), timed(BootProbe.qga(), at, 1));
            VmSpec spec = kit.spec(round, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
            return launcher.using(LocalHost.instance(), spec, probe, vm -> Mono.empty())
                    .timeout(BOUND)
                    .then(Mono.fromCallable(() -> new Row(round, millis(at[0] - started), millis(at[1] - started))));
        }).flatMap(row -> Mono.fromRunnable(() -> {
            progress.printf(Locale.ROOT, "bench agent: round %d: marker %d ms, agent ready %d ms (lag %d ms)%n",
                    row.round(), row.markerMillis(), row.agentMillis(), row.lagMillis());
            progress.flush();
        }).thenReturn(row))).collectList();
    }

    /** Completes once a cancelled boot's VM is gone. */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    public static void print(List<Row> rows, PrintWriter out) {
        double[] lags = rows.stream().mapToDouble(Row::lagMillis).toArray();
        double[] markers = rows.stream().mapToDouble(Row::markerMillis).toArray();
        out.printf(Locale.ROOT, "%-34s %10s %10s%n", "agent probe vs marker (same boot)", "median", "max");
        out.printf(Locale.ROOT, "%-34s %10.0f %10.0f%n", "marker seen (ms from launch)", Measurement.median(markers),
                max(markers));
        out.printf(Locale.ROOT, "%-34s %10.0f %10.0f%n", "agent probe lag behind it (ms)", Measurement.median(lags), max(lags));
        out.flush();
    }

    /** {@code probe}, with the nanoTime of its success put into {@code at[slot]}. */
    private static BootProbe timed(BootProbe probe, long[] at, int slot) {
        return probe.doOnReady(context -> at[slot] = System.nanoTime());
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
