package io.qemureactor.cli;

import io.qemureactor.bench.AgentReadyBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor bench agent [--rounds N]}. */
@Command(name = "agent",
        mixinStandardHelpOptions = true,
        description = {"How promptly the guest-agent probe follows the agent: on each boot of the test guest,",
                "the QGA probe's ready time against the console marker the guest prints after starting qemu-ga."})
final class BenchAgentCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Boots to measure, one after another (default: ${DEFAULT-VALUE}).")
    int rounds;

    private AgentReadyBenchmark bench;

    @Override
    public Mono<Integer> execute() {
        bench = CliFailure.usageIfIllegal(() -> new AgentReadyBenchmark(rounds));
        return GuestKits.located().flatMap(kit -> bench.run(kit, spec.commandLine().getErr())).map(rows -> {
            AgentReadyBenchmark.print(rows, spec.commandLine().getOut());
            return 0;
        });
    }

    @Override
    public Mono<Void> settled() {
        return bench == null ? Mono.empty() : bench.settled();
    }
}
