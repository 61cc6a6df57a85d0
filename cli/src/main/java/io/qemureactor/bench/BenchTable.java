package io.qemureactor.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Prints benchmark rows as a Markdown table (so it can be pasted into docs/BENCHMARKS.md as is). */
public final class BenchTable {

    private BenchTable() {
    }

    public static void printQmp(List<QmpBenchmark.Row> rows, PrintWriter out) {
        out.println("| case | unit | raw socket | qemu-reactor | ratio to raw (rounds' range) "
                + "| seed (socat per command) | ratio to raw |");
        out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        for (QmpBenchmark.Row r : rows) {
            out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2fx (%.2f–%.2f) | %s | %.3fx |",
                    r.name(), r.unit(), num(r.raw()), num(r.ours()), r.ratio(), r.lowestRatio(), r.highestRatio(),
                    num(r.seed()), r.seedRatio()));
        }
        out.println();
        out.println("ratio: qemu-reactor (or the seed) relative to the raw socket, 1.00x = as good as raw, lower is worse;");
        out.println("ours against raw is the median of per-round ratios, raw and ours running in alternate rounds.");
        out.flush();
    }

    private static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
