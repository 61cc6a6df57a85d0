package io.qemureactor.cli;

import io.qemureactor.core.datapath.Chain;
import io.qemureactor.core.datapath.ChainFunction;
import io.qemureactor.core.datapath.ChainReport;
import io.qemureactor.core.datapath.ChainSpec;
import io.qemureactor.core.fleet.FleetBootException;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor chain}: the CSIT chain on this machine (a generator, N kernel VMs running a network
 * function between vhost-user NICs, a host switch), P packets sent in at the first port and counted at the
 * last, the counters printed, everything torn down ({@link Chain#run}).
 */
@Command(name = "chain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Boot a chain of VMs between host vhost-user switch ports, send packets through it, count them.",
                "A generator (dpdk-testpmd) sends --packets into VM 1; the host switch (dpdk-testpmd) carries VM k's "
                        + "second NIC to VM k+1's first; VM N's second NIC ends at a switch port that counts. Each VM "
                        + "runs --function on its two NICs. Prints per-port and per-VM counters, loss and packets/s, then "
                        + "stops everything (see docs/datapath.md).",
                "Exit 0 when the run completed (loss is reported, not an error); 2 on any failure, as one line on "
                        + "stderr, with no QEMU or testpmd left running. Ctrl-C tears down what was started."})
final class ChainCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Option(names = "--vms", paramLabel = "N", defaultValue = "1",
            description = "VMs in the chain, 1 to " + ChainSpec.MAX_VMS + " (default: ${DEFAULT-VALUE}).")
    int vms;

    @Option(names = "--function", paramLabel = "FN", defaultValue = "testpmd-io",
            description = "What each VM runs: testpmd-io, testpmd-mac (DPDK in the guest) or bridge (the guest "
                    + "kernel's bridge) (default: ${DEFAULT-VALUE}).")
    String function;

    @Option(names = "--packets", paramLabel = "P", defaultValue = "10000",
            description = "Packets to send (64 bytes each) (default: ${DEFAULT-VALUE}).")
    long packets;

    @Option(names = "--rate", paramLabel = "PPS",
            description = "Packets per second; loss above what the chain forwards is reported exactly "
                    + "(default: " + Chain.DEFAULT_RATE + ", lossless on a 2-core TCG machine).")
    Long rate;

    @Option(names = "--accel", paramLabel = "ACCEL", defaultValue = "auto", converter = OptionValues.AccelConverter.class,
            description = "auto, kvm or tcg (default: ${DEFAULT-VALUE}).")
    Accelerator accel;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "300s", converter = DurationConverter.class,
            description = "How long each VM may take until its function forwards (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    RunDirOption runDir;

    @Option(names = "--testpmd", paramLabel = "FILE",
            description = "The host's dpdk-testpmd for the generator and the switch (default: /usr/bin/dpdk-testpmd, "
                    + "from apt-get install dpdk-dev; the guests run /usr/bin/dpdk-testpmd).")
    Path testpmd;

    @Option(names = "--json", description = "Print one JSON document instead of tables.")
    boolean json;

    /** This run's launcher, once there is one: Ctrl-C awaits its cancelled launches' cleanups. */
    private volatile QemuLauncher launcher;

    @Override
    public Mono<Integer> execute() {
        return Mono.defer(() -> {
            ChainSpec chainSpec = chainSpec();
            long pps = rate == null ? Chain.DEFAULT_RATE : rate;
            if (packets < 1 || pps < 1) {
                throw CliFailure.usage("--packets and --rate must be positive");
            }
            return GuestKits.located().flatMap(kit -> {
                QemuLauncher run = new QemuLauncher(runDir.launchOptions());
                launcher = run;
                return Chain.run(run, LocalHost.instance(), kit, chainSpec, packets, pps);
            });
        }).onErrorMap(FleetBootException.class, e -> CliFailure.usage(FailureText.fleetBoot(e))) // the VM that failed first, with its console's last line
                .map(report -> {
                    PrintWriter out = spec.commandLine().getOut();
                    if (json) {
                        out.println(Json.write(report));
                    } else {
                        print(report, out);
                    }
                    out.flush();
                    return 0;
                });
    }

    /**
     * What a cancelled run leaves to settle: the chain's teardown ({@link Chain#settled()}: every switch and VM
     * process gone, its folder removed) and the launcher's ({@link QemuLauncher#settled()}: launches cancelled
     * mid-boot cleaned up).
     */
    @Override
    public Mono<Void> settled() {
        return Mono.defer(() -> Mono.when(Chain.settled(), launcher == null ? Mono.empty() : launcher.settled()));
    }

    private ChainSpec chainSpec() {
        ChainFunction fn = CliFailure.usageIfIllegal(() -> ChainFunction.parse(function));
        if (vms < 1 || vms > ChainSpec.MAX_VMS) {
            throw CliFailure.usage("--vms " + vms + " must be 1 to " + ChainSpec.MAX_VMS);
        }
        ChainSpec chain = ChainSpec.of(vms, fn).withAccelerator(accel).withReadyTimeout(timeout);
        return testpmd == null ? chain : chain.withTestpmd(testpmd.toAbsolutePath());
    }

    private static void print(ChainReport r, PrintWriter out) {
        out.printf(Locale.ROOT, "chain: %d x %s, ready in %.1f s%n", r.vms().size(), r.function(), r.readyMillis() / 1000.0);
        TablePrinter ports = new TablePrinter("SWITCH", "PORT", "ATTACHED TO", "RX", "TX", "RX-MISSED", "TX-ERRORS");
        r.ports().forEach(p -> ports.row(p.switchName(), Integer.toString(p.port()), p.attachedTo(),
                Long.toString(p.rxPackets()), Long.toString(p.txPackets()), Long.toString(p.rxMissed()),
                Long.toString(p.txErrors())));
        ports.print(out);
        TablePrinter vms = new TablePrinter("VM", "PID", "ACCEL", "BOOT", "IN", "OUT");
        r.vms().forEach(v -> vms.row(v.name(), Long.toString(v.pid()), v.accelerator(),
                String.format(Locale.ROOT, "%.1fs", v.bootMillis() / 1000.0), Long.toString(v.rxPackets()),
                Long.toString(v.txPackets())));
        vms.print(out);
        out.printf(Locale.ROOT, "sent %d, received %d, lost %d (%.2f%%), not sent %d, %.0f packets/s at %d requested; "
                        + "%.1f s in all, everything stopped%n", r.sent(), r.received(), r.lost(),
                r.sent() == 0 ? 0.0 : 100.0 * r.lost() / r.sent(), r.notSent(), r.pps(), r.rate(), r.wallMillis() / 1000.0);
    }
}
