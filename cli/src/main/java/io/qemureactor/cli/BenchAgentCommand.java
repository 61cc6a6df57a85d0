package io.qemureactor.cli;

import io.qemureactor.bench.AgentReadyBenchmark;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qemu-reactor bench agent [--rounds N]}. */
@Command(name = "agent",
        mixinStandardHelpOptions = true,
        description = {"How promptly the guest-agent probe follows the agent: on each boot of the test guest,",
                "the QGA probe's ready time against the console marker the guest prints after starting qemu-ga."})
final class BenchAgentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Boots to measure, one after another (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() {
        AgentReadyBenchmark bench = CliFailure.usageIfIllegal(() -> new AgentReadyBenchmark(rounds));
        List<AgentReadyBenchmark.Row> rows = bench.run(GuestKits.locate(), spec.commandLine().getErr());
        AgentReadyBenchmark.print(rows, spec.commandLine().getOut());
        return 0;
    }
}
