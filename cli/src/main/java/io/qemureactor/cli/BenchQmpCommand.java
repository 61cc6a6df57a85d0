package io.qemureactor.cli;

import io.qemureactor.bench.BenchTable;
import io.qemureactor.bench.QmpBenchmark;
import io.qemureactor.bench.RemoteQmpBenchmark;
import io.qemureactor.core.host.SshHost;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor bench qmp [--ops N] [--rounds N] [--warm-up DUR] [--host URI]}. */
@Command(name = "qmp",
        mixinStandardHelpOptions = true,
        description = {"QMP round trips, pipelining and connect cost against one -machine none QEMU:",
                "qemu-reactor side by side with a plain blocking socket (the floor) and the seed's socat per command.",
                "With --host: the client on the monitor's socket here against the same client through this SSH host's "
                        + "forward of it, and the seed's ssh + socat per command. The host must be this machine (an sshd on "
                        + "127.0.0.1)."})
final class BenchQmpCommand extends HereOrOverSshBench {

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
    Mono<Integer> here() {
        QmpBenchmark bench = CliFailure.usageIfIllegal(() -> new QmpBenchmark(ops, rounds, warmUp));
        awaitOnCancel(bench::settled);
        return bench.run(spec.commandLine().getErr()).map(rows -> {
            BenchTable.printQmp(rows, spec.commandLine().getOut());
            return 0;
        });
    }

    @Override
    Mono<Integer> overSsh(SshHost ssh) {
        RemoteQmpBenchmark bench = CliFailure.usageIfIllegal(() -> new RemoteQmpBenchmark(ops, rounds, warmUp));
        awaitOnCancel(bench::settled);
        return bench.run(ssh, spec.commandLine().getErr()).map(rows -> {
            RemoteQmpBenchmark.print(rows, ssh.name(), spec.commandLine().getOut());
            return 0;
        });
    }
}
