package io.qemureactor.cli;

import io.qemureactor.bench.BenchTable;
import io.qemureactor.bench.QmpBenchmark;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qemu-reactor bench qmp [--ops N] [--rounds N] [--warm-up DUR]}. */
@Command(name = "qmp",
        mixinStandardHelpOptions = true,
        description = {"QMP round trips, pipelining and connect cost against one -machine none QEMU:",
                "qemu-reactor side by side with a plain blocking socket (the floor) and the seed's socat per command."})
final class BenchQmpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "20000",
            description = "Commands per measured round (default: ${DEFAULT-VALUE}).")
    int ops;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "" + QmpBenchmark.DEFAULT_ROUNDS,
            description = "Measured rounds per case, raw and ours alternating (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warm-up", paramLabel = "DUR", defaultValue = "3s", converter = DurationConverter.class,
            description = "Minimum warm-up per case before measuring, e.g. 3s, 500ms (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Override
    public Integer call() throws Exception {
        QmpBenchmark bench;
        try {
            bench = new QmpBenchmark(ops, rounds, warmUp);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        List<QmpBenchmark.Row> rows = bench.run(err);
        BenchTable.printQmp(rows, spec.commandLine().getOut());
        return 0;
    }
}
