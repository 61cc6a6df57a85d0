package io.qemureactor.cli;

import io.qemureactor.bench.BootBenchmark;
import io.qemureactor.bench.RemoteBootBenchmark;
import io.qemureactor.bench.ScaleBenchmark;
import io.qemureactor.core.host.SshHost;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor bench boot [--count N...] [--rounds R] [--warm-up-boots K] [--scale M...] [--no-seed] [--host URI]}. */
@Command(name = "boot",
        mixinStandardHelpOptions = true,
        description = {"N test guests (default flavour, 1 vCPU, 256 MiB, TCG) booted to their marker three ways:",
                "a qemu-reactor fleet, QEMU started directly (the limit), the seed's sequential 1 s polling;",
                "then M -machine none QEMUs launched and queried at once, raw vs the engine (threads, heap).",
                "Prints Markdown tables; see docs/BENCHMARKS.md.",
                "With --host: the fleet here and on this SSH host in alternating rounds instead of against the raw and "
                        + "seed baselines, what SSH costs. Point it at an sshd on this machine (127.0.0.1) to measure the "
                        + "engine's remote path alone; the guest kit must exist there. The scale case is not run."})
final class BenchBootCommand extends HereOrOverSshBench {

    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", arity = "1..*", split = ",", defaultValue = "1,4,8",
            description = "Guests booted at once, one table row each; 0 skips the boot case (default: ${DEFAULT-VALUE}).")
    List<Integer> counts;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3",
            description = "Rounds per N, method order rotated each round; medians reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--scale", paramLabel = "M", arity = "1..*", split = ",", defaultValue = "50,200",
            description = "Sizes of the -machine none scale case; 0 skips it (default: ${DEFAULT-VALUE}).")
    List<Integer> scale;

    @Option(names = "--warm-up-boots", paramLabel = "K", defaultValue = "1",
            description = "Boots of each method at N = 1 before measuring; the engine's JIT needs about 4 to settle, "
                    + "1 measures a fresh process like the CLI's (default: ${DEFAULT-VALUE}).")
    int warmUpBoots;

    @Option(names = "--no-seed", description = "Skip the seed's sequential method (it takes N x ~3 s per round).")
    boolean noSeed;



    /** The fleet against the raw and seed baselines, then the scale case. */
    @Override
    Mono<Integer> here() {
        List<Integer> sizes = scale.stream().filter(m -> m != 0).toList();
        List<Integer> ns = counts.stream().filter(n -> n != 0).toList();
        BootBenchmark boot = ns.isEmpty() ? null : CliFailure.usageIfIllegal(() -> new BootBenchmark(ns, rounds, !noSeed, warmUpBoots));
        ScaleBenchmark scaleCase = CliFailure.usageIfIllegal(() -> new ScaleBenchmark(sizes));
        awaitOnCancel(() -> Mono.when(boot == null ? Mono.empty() : boot.settled(), scaleCase.settled()));
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Mono<List<BootBenchmark.Row>> rows = boot == null ? Mono.just(List.of()) : GuestKits.located().flatMap(kit -> boot.run(kit, err));
        return rows.zipWhen(r -> scaleCase.run(err), (bootRows, scaleRows) -> {
            if (!bootRows.isEmpty()) {
                BootBenchmark.print(bootRows, out);
            }
            if (!scaleRows.isEmpty()) {
                out.println();
                ScaleBenchmark.print(scaleRows, out);
            }
            return 0;
        });
    }

    /** {@code --host}: the fleet here against the fleet over SSH (no raw or seed baseline, no scale case). */
    @Override
    Mono<Integer> overSsh(SshHost ssh) {
        List<Integer> ns = counts.stream().filter(n -> n != 0).toList();
        RemoteBootBenchmark bench = CliFailure.usageIfIllegal(() -> new RemoteBootBenchmark(ns, rounds, warmUpBoots));
        awaitOnCancel(bench::settled);
        return GuestKits.located().flatMap(kit -> bench.run(kit, ssh, spec.commandLine().getErr())).map(rows -> {
            RemoteBootBenchmark.print(rows, ssh.name(), spec.commandLine().getOut());
            return 0;
        });
    }
}
