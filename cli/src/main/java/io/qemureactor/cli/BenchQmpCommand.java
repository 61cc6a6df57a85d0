package io.qemureactor.cli;

import io.qemureactor.bench.BenchTable;
import io.qemureactor.bench.QmpBenchmark;
import io.qemureactor.bench.RemoteQmpBenchmark;
import io.qemureactor.core.host.SshHost;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code qemu-reactor bench qmp [--ops N] [--rounds N] [--warm-up DUR] [--host URI]}. */
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

    @Option(names = "--host", paramLabel = "ssh://USER@HOST[:PORT]",
            description = {"Compare the client on the monitor's socket here with the same client through this SSH host's "
                    + "forward of it, and the seed's ssh + socat per command. The host must be this machine (an sshd on 127.0.0.1)."})
    String hostUri;

    @Option(names = "--identity", paramLabel = "FILE", description = "The SSH private key for --host.")
    Path identity;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "The known_hosts file --host's key is checked against (default: ~/.ssh/known_hosts).")
    Path knownHosts;

    @Override
    public Integer call() throws Exception {
        if (hostUri != null) {
            return overSsh();
        }
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

    private int overSsh() throws Exception {
        RemoteQmpBenchmark bench;
        try {
            bench = new RemoteQmpBenchmark(ops, rounds, warmUp);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
        SshHost host = RemoteHost.open(hostUri, identity, knownHosts);
        try {
            List<RemoteQmpBenchmark.Row> rows = bench.run(host, spec.commandLine().getErr());
            RemoteQmpBenchmark.print(rows, host.name(), spec.commandLine().getOut());
        } finally {
            host.close().block(Duration.ofSeconds(30));
        }
        return 0;
    }
}
