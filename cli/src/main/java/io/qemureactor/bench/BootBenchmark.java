package io.qemureactor.bench;

import io.qemureactor.core.guest.GuestKit;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor bench boot}: N test guests booted to their console marker, three ways, in the
 * same run on the same machine:
 * <ul>
 * <li><b>raw</b> (the limit): N QEMUs started directly, at once, one thread reading all their consoles
 *     (one NIO selector) until each marker ({@link RawGuestLauncher});
 * <li><b>ours</b>: a {@code Fleet} of N members, with the wall time and each VM's detection latency
 *     ({@link FleetBootRun});
 * <li><b>seed</b>: VMs started one after another, each polled every 1 s for the marker
 *     ({@link SeedSequentialBoot}).
 * </ul>
 * Every method boots the same spec (the kit's default flavour, 1 vCPU, 256 MiB, TCG). All three are
 * warmed up at N = 1 ({@code warmUpBoots} boots each: page cache, JIT; the engine's JIT takes about four
 * boots to settle, so one warm-up boot measures a fresh process such as the CLI's); then for each N, {@code rounds} rounds whose method
 * order rotates, and the median wall time of each method is kept. Each method's QEMUs are all killed
 * (by pid) and reaped before the next method starts.
 */
public final class BootBenchmark {

    private static final Duration SETTLE = Duration.ofMillis(500);
    private final Teardown teardown = new Teardown();

    private final List<Integer> counts;
    private final int rounds;
    private final boolean seed;
    private final int warmUpBoots;

    /** One line of the table: medians over the rounds; detection latencies pooled over the rounds' VMs. */
    public record Row(int n, double rawSeconds, double oursSeconds, double seedSeconds, double detectionMedianMs,
                      double detectionMaxMs, double oursLastMarkerSeconds, double releasedMedianMs,
                      double releasedMaxMs, int rounds) {
        public double ratioToLimit() {
            return oursSeconds / rawSeconds;
        }

        public double speedupOverSeed() {
            return seedSeconds / oursSeconds;
        }

        public boolean hasSeed() {
            return !Double.isNaN(seedSeconds);
        }
    }

    /** @param warmUpBoots boots of each method at N = 1 before measuring (0 to 20) */
    public BootBenchmark(List<Integer> counts, int rounds, boolean seed, int warmUpBoots) {
        if (counts.isEmpty() || counts.stream().anyMatch(n -> n < 1 || n > 64)) {
            throw new IllegalArgumentException("--count must be between 1 and 64, got " + counts);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        this.counts = List.copyOf(counts);
        this.rounds = rounds;
        this.seed = seed;
        if (warmUpBoots < 0 || warmUpBoots > 20) {
            throw new IllegalArgumentException("--warm-up-boots must be between 0 and 20, got " + warmUpBoots);
        }
        this.warmUpBoots = warmUpBoots;
    }

    /**
     * Every round on the test guest {@code kit}, one row per VM count, when subscribed. Cancelling it stops the
     * round's VMs; {@link #settled()} awaits that.
     */
    public Mono<List<Row>> run(GuestKit kit, PrintWriter progress) {
        BootGuests guests = new BootGuests(kit);
        RawGuestLauncher raw = new RawGuestLauncher(guests, teardown);
        FleetBootRun ours = new FleetBootRun(guests, teardown);
        SeedSequentialBoot seq = new SeedSequentialBoot(guests, teardown);

        Mono<Void> warmUp = Flux.range(0, warmUpBoots)
                .concatMap(i -> raw.boot(1).then(settle())
                        .then(ours.boot(1)).then(settle())
                        .then(seed ? seq.boot(1).then(settle()) : Mono.empty()))
                .then();
        return say(progress, "bench boot: warming up (" + warmUpBoots + " boot(s) of each method)")
                .then(warmUp)
                .thenMany(Flux.fromIterable(counts).concatMap(n -> row(n, raw, ours, seq, progress)))
                .collectList();
    }

    /** The rounds of one N: each method once per round, in rotated order, with a settle pause after each. */
    private Mono<Row> row(int n, RawGuestLauncher raw, FleetBootRun ours, SeedSequentialBoot seq, PrintWriter progress) {
        double[] rawWall = new double[rounds];
        double[] oursWall = new double[rounds];
        double[] seedWall = new double[rounds];
        double[] lastMarker = new double[rounds];
        List<Long> detection = new ArrayList<>();
        List<Long> released = new ArrayList<>();
        return Flux.range(0, rounds).concatMap(r -> {
            List<String> order = order(r);
            return Flux.fromIterable(order).concatMap(method -> (switch (method) {
                case "raw" -> raw.boot(n).doOnNext(nanos -> rawWall[r] = nanos / 1e9).then();
                case "ours" -> ours.boot(n).doOnNext(res -> {
                    oursWall[r] = res.wallNanos() / 1e9;
                    lastMarker[r] = res.lastMarkerNanos() / 1e9;
                    detection.addAll(res.detectionNanos());
                    released.addAll(res.releasedNanos());
                }).then();
                case "seed" -> seq.boot(n).doOnNext(nanos -> seedWall[r] = nanos / 1e9).then();
                default -> Mono.<Void>error(new IllegalStateException(method));
            }).then(settle())).then(Mono.defer(() -> say(progress, String.format(Locale.ROOT,
                    "bench boot: N=%d round %d/%d (%s): raw %.2f s, ours %.2f s (last marker at %.2f s)%s", n, r + 1, rounds,
                    String.join(",", order), rawWall[r], oursWall[r], lastMarker[r],
                    seed ? String.format(Locale.ROOT, ", seed %.2f s", seedWall[r]) : ""))));
        }).then(Mono.fromCallable(() -> {
            double[] det = detection.stream().mapToDouble(d -> d / 1e6).toArray();
            double[] rel = released.stream().mapToDouble(d -> d / 1e6).toArray();
            return new Row(n, Measurement.median(rawWall), Measurement.median(oursWall),
                    seed ? Measurement.median(seedWall) : Double.NaN,
                    Measurement.median(det), Arrays.stream(det).max().orElse(Double.NaN),
                    Measurement.median(lastMarker), Measurement.median(rel), Arrays.stream(rel).max().orElse(Double.NaN), rounds);
        }));
    }

    /** Completes once whatever a cancelled run had started is stopped (QEMUs reaped, folders removed). */
    public Mono<Void> settled() {
        return teardown.settled();
    }

    /** The methods' order in round {@code r}: rotated each round, so none is always first (or last). */
    private List<String> order(int r) {
        List<String> methods = new ArrayList<>(seed ? List.of("raw", "ours", "seed") : List.of("raw", "ours"));
        java.util.Collections.rotate(methods, -(r % methods.size()));
        return methods;
    }

    /** A pause between two boots, so the previous method's exits and frees are over (no thread sleeps for it). */
    private static Mono<Void> settle() {
        return Mono.delay(SETTLE).then();
    }

    static Mono<Void> say(PrintWriter progress, String line) {
        return Mono.fromRunnable(() -> {
            progress.println(line);
            progress.flush();
        });
    }

    /** The table, in Markdown. */
    public static void print(List<Row> rows, PrintWriter out) {
        out.println("| N | limit: raw parallel | qemu-reactor fleet | ratio to limit | detection median | detection max "
                + "| seed: sequential, 1 s poll | qemu-reactor speedup over seed | qemu-reactor: last marker "
                + "| qemu-reactor: guest released (median / max) |");
        out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %d | %.2f s | %.2f s | %.3fx | %.2f ms | %.2f ms | %s | %s | %.2f s "
                            + "| %.0f / %.0f ms |",
                    r.n(), r.rawSeconds(), r.oursSeconds(), r.ratioToLimit(), r.detectionMedianMs(), r.detectionMaxMs(),
                    r.hasSeed() ? String.format(Locale.ROOT, "%.2f s", r.seedSeconds()) : "-",
                    r.hasSeed() ? String.format(Locale.ROOT, "%.2fx", r.speedupOverSeed()) : "-",
                    r.oursLastMarkerSeconds(), r.releasedMedianMs(), r.releasedMaxMs()));
        }
        out.println();
        int rounds = rows.isEmpty() ? 0 : rows.get(0).rounds();
        out.println("Wall times: median of " + rounds + " round(s), start to the last guest's marker (raw, seed) or to the"
                + " fleet's ready() (qemu-reactor). Detection: marker line delivered by the console reader -> the fleet's"
                + " READY event, over every VM of every round. Ratio to limit: qemu-reactor / raw, 1.00x = as fast as"
                + " QEMU started directly, higher is slower. Last marker: when the fleet's console reader delivered the last"
                + " marker line, from the start. Guest released: start -> the VM's QMP_CONNECTED event (launcher's checks,"
                + " QEMU started paused, QMP and console connected, cont sent).");
        out.flush();
    }
}
