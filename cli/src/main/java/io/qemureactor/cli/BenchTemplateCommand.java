package io.qemureactor.cli;

import io.qemureactor.bench.TemplateBenchmark;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor bench template [--rounds N] [--sizes 1,4,8]}. */
@Command(name = "template",
        mixinStandardHelpOptions = true,
        description = {"Clones of a template of the test guest against cold boots of it, in one run: one clone's time",
                "to ready (median, max, where it goes), fleets of N clones against cold fleets of N, and PSS."})
final class BenchTemplateCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Single clones to measure, one after another (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--sizes", paramLabel = "N,N,...", defaultValue = "1,4,8", split = ",",
            description = "Fleet sizes, each as clones and as cold boots (default: ${DEFAULT-VALUE}).")
    int[] sizes;

    private TemplateBenchmark bench;

    @Override
    public Mono<Integer> execute() {
        bench = CliFailure.usageIfIllegal(() -> new TemplateBenchmark(rounds, Arrays.stream(sizes).toArray()));
        return GuestKits.located().flatMap(kit -> bench.run(kit, spec.commandLine().getErr())).map(result -> {
            TemplateBenchmark.print(result, spec.commandLine().getOut());
            return 0;
        });
    }

    @Override
    public Mono<Void> settled() {
        return bench == null ? Mono.empty() : bench.settled();
    }
}
