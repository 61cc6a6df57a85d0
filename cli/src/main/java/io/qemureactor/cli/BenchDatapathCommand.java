package io.qemureactor.cli;

import io.qemureactor.bench.DatapathBenchmark;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor bench datapath [--vms N,...] [--warm-up DUR] [--window DUR]}. */
@Command(name = "datapath",
        mixinStandardHelpOptions = true,
        description = {"Packets/s through looped chains of N testpmd-io VMs (TCG) against the same host switch looped",
                "port to port with no VM (the limit), in one run; then the time from nothing to the first packet",
                "through a counted chain of N VMs. Prints Markdown tables; see docs/BENCHMARKS.md and docs/datapath.md."})
final class BenchDatapathCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--vms", paramLabel = "N", arity = "1..*", split = ",", defaultValue = "1,2",
            description = "Chain lengths, one row each (default: ${DEFAULT-VALUE}).")
    List<Integer> vms;

    @Option(names = "--warm-up", paramLabel = "DUR", defaultValue = "3s", converter = DurationConverter.class,
            description = "Circulation before the window opens (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--window", paramLabel = "DUR", defaultValue = "10s", converter = DurationConverter.class,
            description = "How long the rates are measured (default: ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "600s", converter = DurationConverter.class,
            description = "How long each VM may take until its function forwards (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    private DatapathBenchmark bench;

    @Override
    public Mono<Integer> execute() {
        bench = CliFailure.usageIfIllegal(() -> new DatapathBenchmark(vms, warmUp, window, timeout));
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        return GuestKits.located().flatMap(kit -> {
            // each table as soon as it is measured: a later failure does not lose the earlier figures
            return bench.rates(kit, err)
                    .doOnNext(rates -> DatapathBenchmark.printRates(rates, out))
                    .then(bench.firstPackets(kit, err))
                    .map(firsts -> {
                        DatapathBenchmark.printFirstPackets(firsts, out);
                        return 0;
                    });
        });
    }

    @Override
    public Mono<Void> settled() {
        return bench == null ? Mono.empty() : bench.settled();
    }
}
