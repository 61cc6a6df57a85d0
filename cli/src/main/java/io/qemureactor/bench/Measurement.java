package io.qemureactor.bench;

import java.util.Arrays;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Timing helpers: a case is run several rounds and the median kept, so one hiccup does not decide. Each case is
 * a cold Mono of its operation count; rounds run one after another ({@code concatMap}), never two at once.
 */
final class Measurement {

    /** Something to time: a cold Mono of how many operations it did, subscribed once per round. */
    @FunctionalInterface
    interface Run {
        Mono<Long> run();
    }

    private Measurement() {
    }

    /** Operations per second, median over {@code rounds}. */
    static Mono<Double> opsPerSecond(int rounds, Run run) {
        return Flux.range(0, rounds).concatMap(i -> rate(run)).collectList()
                .map(rates -> median(rates.stream().mapToDouble(Double::doubleValue).toArray()));
    }

    /**
     * Two competitors measured in alternating rounds (A B, B A, A B, ...): a load change on the
     * machine (other processes, JIT, GC, the peer's own variance) hits both sides alike instead
     * of whichever happened to run at that moment. The comparison is paired: each round's
     * B/A ratio is taken from two runs next to each other, and the median of those ratios is
     * reported, which is far steadier on a noisy machine than the ratio of two medians.
     */
    static Mono<Paired> interleaved(int rounds, Run a, Run b) {
        return Flux.range(0, rounds)
                .concatMap(i -> i % 2 == 0
                        ? rate(a).zipWhen(rateA -> rate(b), (rateA, rateB) -> new double[] {rateA, rateB})
                        : rate(b).zipWhen(rateB -> rate(a), (rateB, rateA) -> new double[] {rateA, rateB}))
                .collectList()
                .map(pairs -> {
                    double[] ratesA = pairs.stream().mapToDouble(p -> p[0]).toArray();
                    double[] ratesB = pairs.stream().mapToDouble(p -> p[1]).toArray();
                    double[] ratios = pairs.stream().mapToDouble(p -> p[1] / p[0]).toArray();
                    double[] sorted = ratios.clone();
                    Arrays.sort(sorted);
                    return new Paired(median(ratesA), median(ratesB), median(ratios), sorted[0], sorted[rounds - 1]);
                });
    }

    /**
     * The result of {@link #interleaved}: median rates (operations per second) of A and B, and
     * the median, lowest and highest of the per-round rate ratios B/A.
     */
    record Paired(double rateA, double rateB, double ratio, double lowestRatio, double highestRatio) {
    }

    /** Runs {@code run} again and again for at least {@code minRounds} rounds and {@code minMillis} (JIT warm-up). */
    static Mono<Void> warmUp(int minRounds, long minMillis, Run run) {
        return Mono.defer(() -> {
            long until = System.nanoTime() + minMillis * 1_000_000L;
            int[] done = {0};
            return Mono.defer(run::run)
                    .doOnNext(ops -> done[0]++)
                    .repeat(() -> done[0] < minRounds || System.nanoTime() < until)
                    .then();
        });
    }

    /** One round's operations per second: from the subscription to the count. */
    private static Mono<Double> rate(Run run) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return run.run().map(ops -> ops / ((System.nanoTime() - start) / 1e9));
        });
    }

    /** Milliseconds per operation, median over {@code rounds} runs of {@code opsPerRound} each. */
    static Mono<Double> millisPerOp(int rounds, Run run) {
        return opsPerSecond(rounds, run).map(rate -> 1000.0 / rate);
    }

    /** The median; NaN for no values. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
