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
            long start = System.nanoTime();
            long ops = run.run();
            rates[i] = ops / ((System.nanoTime() - start) / 1e9);
        }
        return median(rates);
    }

    /** Milliseconds per operation, median over {@code rounds} runs of {@code opsPerRound} each. */
    static double millisPerOp(int rounds, Run run) throws Exception {
        return 1000.0 / opsPerSecond(rounds, run);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
