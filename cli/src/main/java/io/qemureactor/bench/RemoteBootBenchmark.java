package io.qemureactor.bench;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.HostCapacity;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.Host;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor bench boot --host ssh://…}: the same fleet boot here and on an SSH host, in
 * alternating order, in the same run: what going through SSH costs. Pointed at an sshd on this
 * machine (127.0.0.1), both boot the same guests on the same CPUs, so the ratio is the engine's
 * remote path alone (one command shell per host, sockets awaited then forwarded) and not the
 * network. Each round boots N guests locally and N remotely (order swapped every round) and then
 * stops them ({@code ShutdownPolicy.withoutGuest()}: QMP quit, exit seen, run folder removed);
 * medians over the rounds. One {@code SshHost} serves the whole run, as it would a harness: its
 * session and command shell are set up by the warm-up boots, not in a measured round.
 */
public final class RemoteBootBenchmark {

    private final List<Integer> counts;
    private final int rounds;
    private final int warmUpBoots;
    private final Teardown teardown = new Teardown();

    /** One row: medians over the rounds, in seconds (wall) and milliseconds (stop, released). */
    public record Row(int n, double localSeconds, double remoteSeconds, double localStopMs, double remoteStopMs,
                      double localReleasedMs, double remoteReleasedMs, double bootRatioLowest, double bootRatioHighest,
                      int rounds) {
        public double bootRatio() {
            return remoteSeconds / localSeconds;
        }

        public double stopRatio() {
            return remoteStopMs / localStopMs;
        }
    }

    public RemoteBootBenchmark(List<Integer> counts, int rounds, int warmUpBoots) {
        if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1 || n > 64)) {
            throw new IllegalArgumentException("--count must be between 1 and 64, got " + counts);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (warmUpBoots < 1 || warmUpBoots > 20) {
            throw new IllegalArgumentException("--warm-up-boots must be between 1 and 20 with --host, got " + warmUpBoots);
        }
        this.counts = List.copyOf(counts);
        this.rounds = rounds;
        this.warmUpBoots = warmUpBoots;
    }

    /** Every round of the test guest {@code kit} here and on {@code remote}, when subscribed; one row per VM count. */
    public Mono<List<Row>> run(GuestKit kit, Host remote, PrintWriter progress) {
        BootGuests guests = new BootGuests(kit);
        FleetBootRun local = new FleetBootRun(guests, teardown);
        FleetBootRun overSsh = new FleetBootRun(guests, FleetHost.of(remote.name(), remote, HostCapacity.unlimited()), teardown);

        return BootBenchmark.say(progress, "bench boot: warming up (" + warmUpBoots + " boot(s) here and on " + remote.name() + ")")
                .thenMany(Flux.range(0, warmUpBoots).concatMap(i -> local.boot(1).then(overSsh.boot(1))))
                .thenMany(Flux.fromIterable(counts).concatMap(n -> row(n, local, overSsh, progress)))
                .collectList();
    }

    /** Completes once whatever a cancelled run had started is stopped, here and on the SSH host. */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    private Mono<Row> row(int n, FleetBootRun local, FleetBootRun overSsh, PrintWriter progress) {
        double[] localWall = new double[rounds];
        double[] remoteWall = new double[rounds];
        double[] localStop = new double[rounds];
        double[] remoteStop = new double[rounds];
        double[] ratios = new double[rounds];
        List<Long> localReleased = new ArrayList<>();
        List<Long> remoteReleased = new ArrayList<>();
        return Flux.range(0, rounds).concatMap(r -> {
            Mono<FleetBootRun.Result[]> both = r % 2 == 0
                    ? local.boot(n).zipWhen(a -> overSsh.boot(n), (a, b) -> new FleetBootRun.Result[] {a, b})
                    : overSsh.boot(n).zipWhen(b -> local.boot(n), (b, a) -> new FleetBootRun.Result[] {a, b});
            return both.flatMap(pair -> {
                FleetBootRun.Result a = pair[0];
                FleetBootRun.Result b = pair[1];
                localWall[r] = a.wallNanos() / 1e9;
                remoteWall[r] = b.wallNanos() / 1e9;
                localStop[r] = a.stopNanos() / 1e6;
                remoteStop[r] = b.stopNanos() / 1e6;
                ratios[r] = remoteWall[r] / localWall[r];
                localReleased.addAll(a.releasedNanos());
                remoteReleased.addAll(b.releasedNanos());
                return BootBenchmark.say(progress, String.format(Locale.ROOT, "bench boot: N=%d round %d/%d (%s first): here %.2f s,"
                                + " over SSH %.2f s (%.3fx); stop here %.0f ms, over SSH %.0f ms; guest released here %.0f ms,"
                                + " over SSH %.0f ms (medians)", n, r + 1, rounds, r % 2 == 0 ? "here" : "SSH", localWall[r],
                        remoteWall[r], ratios[r], localStop[r], remoteStop[r], medianMillis(a.releasedNanos()),
                        medianMillis(b.releasedNanos())));
            });
        }).then(Mono.fromCallable(() -> {
            double[] sorted = ratios.clone();
            java.util.Arrays.sort(sorted);
            return new Row(n, Measurement.median(localWall), Measurement.median(remoteWall), Measurement.median(localStop),
                    Measurement.median(remoteStop), medianMillis(localReleased), medianMillis(remoteReleased),
                    sorted[0], sorted[rounds - 1], rounds);
        }));
    }

    private static double medianMillis(List<Long> nanos) {
        return Measurement.median(nanos.stream().mapToDouble(v -> v / 1e6).toArray());
    }

    /** The table, in Markdown. */
    public static void print(List<Row> rows, String remote, PrintWriter out) {
        out.println("| N | fleet here | fleet over SSH | ratio (rounds' range) | stop here | stop over SSH | ratio "
                + "| guest released here / over SSH (median) |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %d | %.2f s | %.2f s | %.3fx (%.2f–%.2f) | %.0f ms | %.0f ms | %.2fx | %.0f / %.0f ms |",
                    r.n(), r.localSeconds(), r.remoteSeconds(), r.bootRatio(), r.bootRatioLowest(), r.bootRatioHighest(),
                    r.localStopMs(), r.remoteStopMs(), r.stopRatio(), r.localReleasedMs(), r.remoteReleasedMs()));
        }
        out.println();
        int rounds = rows.isEmpty() ? 0 : rows.get(0).rounds();
        out.println("Over SSH: " + remote + ". Medians of " + rounds + " round(s), here and over SSH alternating. Fleet: start to"
                + " the fleet's ready(). Stop: the fleet's shutdown() (QMP quit, exits seen, run folders removed). Ratio: over SSH"
                + " / here, 1.00x = no cost for SSH. Guest released: start -> QMP_CONNECTED.");
        out.flush();
    }
}
