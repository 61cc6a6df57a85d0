package io.qemureactor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code qemu-reactor bench ...}: benchmarks that print ratios against baselines measured in the same run. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks, each against baselines measured in the same run (see docs/BENCHMARKS.md).",
        subcommands = {BenchQmpCommand.class, BenchBootCommand.class, BenchAgentCommand.class, BenchDatapathCommand.class,
                BenchTemplateCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: qmp, boot, agent, datapath or template");
    }
}
