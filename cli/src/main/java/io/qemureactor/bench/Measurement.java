package io.qemureactor.bench;

import java.util.Arrays;

/** Timing helpers: a case is run several rounds and the median kept, so one hiccup does not decide. */
final class Measurement {

    /** Something to time; returns how many operations it did. */
    @FunctionalInterface
    interface Run {
        long run() throws Exception;
    }

    private Measurement() {
    }

    /** Operations per second, median over {@code rounds}. */
    static double opsPerSecond(int rounds, Run run) throws Exception {
        double[] rates = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            rates[i] = rate(run);
        }
        return median(rates);
    }

    /**
     * Two competitors measured in alternating rounds (A B, B A, A B, ...): a load change on the
     * machine (other processes, JIT, GC, the peer's own variance) hits both sides alike instead
     * of whichever happened to run at that moment. The comparison is paired: each round's
     * B/A ratio is taken from two runs next to each other, and the median of those ratios is
     * reported, which is far steadier on a noisy machine than the ratio of two medians.
     */
    static Paired interleaved(int rounds, Run a, Run b) throws Exception {
        double[] ratesA = new double[rounds];
        double[] ratesB = new double[rounds];
        double[] ratios = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
                ratesA[i] = rate(a);
                ratesB[i] = rate(b);
            } else {
                ratesB[i] = rate(b);
                ratesA[i] = rate(a);
            }
            ratios[i] = ratesB[i] / ratesA[i];
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        return new Paired(median(ratesA), median(ratesB), median(ratios), sorted[0], sorted[rounds - 1]);
    }

    /**
     * The result of {@link #interleaved}: median rates (operations per second) of A and B, and
     * the median, lowest and highest of the per-round rate ratios B/A.
     */
    record Paired(double rateA, double rateB, double ratio, double lowestRatio, double highestRatio) {
    }

    /** Runs {@code run} repeatedly for at least {@code minRounds} rounds and {@code minMillis} (JIT warm-up). */
    static void warmUp(int minRounds, long minMillis, Run run) throws Exception {
        long until = System.nanoTime() + minMillis * 1_000_000L;
        for (int i = 0; i < minRounds || System.nanoTime() < until; i++) {
            run.run();
        }
    }

    private static double rate(Run run) throws Exception {
        long start = System.nanoTime();
        long ops = run.run();
        return ops / ((System.nanoTime() - start) / 1e9);
    }

    /** Milliseconds per operation, median over {@code rounds} runs of {@code opsPerRound} each. */
    static double millisPerOp(int rounds, Run run) throws Exception {
        return 1000.0 / opsPerSecond(rounds, run);
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
