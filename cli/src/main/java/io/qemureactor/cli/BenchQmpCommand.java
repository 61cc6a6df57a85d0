package io.qemureactor.cli;

import io.qemureactor.bench.BenchTable;
import io.qemureactor.bench.QmpBenchmark;
import io.qemureactor.bench.RemoteQmpBenchmark;
import io.qemureactor.core.host.SshHost;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qemu-reactor bench qmp [--ops N] [--rounds N] [--warm-up DUR] [--host URI]}. */
@Command(name = "qmp",
        mixinStandardHelpOptions = true,
        description = {"QMP round trips, pipelining and connect cost against one -machine none QEMU:",
                "qemu-reactor side by side with a plain blocking socket (the floor) and the seed's socat per command.",
                "With --host: the client on the monitor's socket here against the same client through this SSH host's "
                        + "forward of it, and the seed's ssh + socat per command. The host must be this machine (an sshd on "
                        + "127.0.0.1)."})
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

    @Mixin
    HostOptions host;

    @Override
    public Integer call() throws Exception {
        if (host.given()) {
            return overSsh();
        }
        QmpBenchmark bench = CliFailure.usageIfIllegal(() -> new QmpBenchmark(ops, rounds, warmUp));
        PrintWriter err = spec.commandLine().getErr();
        List<QmpBenchmark.Row> rows = bench.run(err);
        BenchTable.printQmp(rows, spec.commandLine().getOut());
        return 0;
    }

    private int overSsh() throws Exception {
        RemoteQmpBenchmark bench = CliFailure.usageIfIllegal(() -> new RemoteQmpBenchmark(ops, rounds, warmUp));
        SshHost ssh = host.open();
        try {
            List<RemoteQmpBenchmark.Row> rows = bench.run(ssh, spec.commandLine().getErr());
            RemoteQmpBenchmark.print(rows, ssh.name(), spec.commandLine().getOut());
        } finally {
            ssh.close().block(Duration.ofSeconds(30));
        }
        return 0;
    }
}
