package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetBootException;
import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.FleetPolicy;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.fleet.HostCapacity;
import io.qemureactor.core.fleet.Topology;
import io.qemureactor.core.fleet.TopologyException;
import io.qemureactor.core.function.InvalidFunctionConfigException;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code qemu-reactor boot}: boots the test guest (or the user's kernel or image, or a network
 * function in a kernel VM) N times as one {@link io.qemureactor.core.fleet.Fleet}, prints each VM's
 * progress and a table of what came up, then shuts the VMs down, or with {@code --keep} leaves them
 * running and says how to reach them.
 */
@Command(name = "boot",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Boot VMs and print what came up: host, pid, accelerator, boot time, vCPU threads, guest NICs.",
                "Boots the test guest of docs/guest.md (or your --kernel/--initrd, or --image, or a network function "
                        + "with --mode kernel --function) --count times as one fleet, concurrently, here, on --host (the boot "
                        + "files must exist there) or "
                        + "across the hosts of a --hosts topology; prints each VM's progress, then a table, then shuts "
                        + "the VMs down (with --keep it leaves them running and says how to reach them).",
                "Exit 0 when every VM came up (and, without --keep, went down); 2 on any failure, as one line on "
                        + "stderr, with no QEMU left running (with --best-effort the VMs that came up stay until the "
                        + "end). Ctrl-C tears down what was started."})
final class BootCommand implements ReactiveCommand {

    static final int MAX_COUNT = 255;
    private static final Logger log = LoggerFactory.getLogger(BootCommand.class);
    /** How long closing the hosts (their SSH sessions) may take at the end. */
    private static final Duration HOSTS_CLOSE_WAIT = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "How many VMs, with ids 1..N (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = {"--concurrency", "--parallel"}, paramLabel = "C",
            description = "How many boot at once (default: all of them; --parallel is the old name).")
    Integer concurrency;

    @Option(names = "--best-effort",
            description = "Keep the VMs that came up when others fail, report those, and exit 2 "
                    + "(default: all-or-nothing: one failure stops them all).")
    boolean bestEffort;

    @Option(names = "--hosts", paramLabel = "FILE",
            description = "A topology file (JSON, see docs/fleet.md): the VMs are placed across its local and SSH "
                    + "hosts. Not with --host.")
    Path hostsFile;

    @Mixin
    GuestOptions guest;

    @Option(names = "--nics", paramLabel = "N", defaultValue = "0",
            description = "Guest NICs on QEMU user networking: the first is the management NIC, the others extra "
                    + "virtio NICs; mapped to guest names through the agent (default: ${DEFAULT-VALUE}).")
    int nics;

    @Option(names = "--probe", paramLabel = "PROBE", converter = OptionValues.ProbeConverter.class,
            description = "When a VM is ready: serial (the marker line on the console) or qga (the guest agent "
                    + "answers) (default: serial, qga with --image).")
    BootSpecs.ReadySignal readySignal;

    @Option(names = "--marker", paramLabel = "REGEX",
            description = "The console line the serial probe waits for (default: the test guest's, '" + BootSpecs.DEFAULT_MARKER + "').")
    String marker;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long each VM may take to be ready (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    RunDirOption runDir;

    @Mixin
    HostOptions host;

    @Option(names = "--keep", description = "Leave the VMs running and print how to reach them.")
    boolean keep;

    @Option(names = "--hold", description = "After the report, keep the VMs up until standard input ends (Ctrl-D) "
            + "or the command is interrupted, then shut them down.")
    boolean hold;

    @Option(names = "--json", description = "Print one JSON document instead of progress lines and a table.")
    boolean json;

    @Option(names = "--kernel", paramLabel = "FILE", description = "Boot this kernel instead of the test guest's.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "The initrd for --kernel.")
    Path initrd;

    @Option(names = "--function", paramLabel = "CMD",
            description = "With --mode kernel: the network function each VM runs, one string run by /bin/sh -c "
                    + "inside the guest (the host's / over 9p); the VM is ready when its console shows --ready-line, "
                    + "and fails when the command exits.")
    String function;

    @Option(names = "--ready-line", paramLabel = "TEXT",
            description = "With --function: the text (literal) of the console line that says the function is up "
                    + "(default: '" + BootFunction.DEFAULT_READY_LINE + "').")
    String readyLine;

    @Option(names = "--image", paramLabel = "FILE",
            description = "Boot this disk image through the firmware (raw, or qcow2 by its .qcow2 name), attached "
                    + "with snapshot=on so it is never written; its agent is expected on virtio-serial.")
    Path image;

    @Option(names = "--template", paramLabel = "DIR",
            description = "Start the VMs as clones of this template (made by 'template create'): restored, not booted; "
                    + "ready when each clone's agent answers and its clock is set. The template fixes the guest: "
                    + "no --mode, --smp, --mem, --nics, --accel, --append, --kernel, --image, --function, --probe, --marker. "
                    + "With --host/--hosts the template is copied to each SSH host once (kept in the run dir's templates/).")
    Path template;

    @Mixin
    CloneIdentityOptions cloneIdentity = new CloneIdentityOptions();

    /** What a cancelled {@link #execute()} leaves to settle; set when it is subscribed. */
    private volatile Mono<Void> teardown = Mono.empty();

    @Override
    public Mono<Integer> execute() {
        return Mono.defer(() -> {
            checkOptions();
            Hosts hosts = hosts();
            QemuLauncher launcher;
            try {
                launcher = new QemuLauncher(launchOptions(hosts));
            } catch (RuntimeException e) {
                return hosts.closeQuietly().then(Mono.error(e));
            }
            AtomicReference<BootRun> run = new AtomicReference<>();
            // a cancelled boot: its VMs gone first (over SSH that needs the sessions), then the hosts closed
            Mono<Void> teardown = Mono.defer(() -> run.get() == null ? launcher.settled() : run.get().settled())
                    .then(hosts.closeQuietly())
                    .cache();
            this.teardown = teardown;
            return Mono.usingWhen(Mono.just(hosts),
                    h -> Mono.defer(() -> boot(h, launcher, run)),
                    Hosts::closeQuietly, (h, e) -> h.closeQuietly(), h -> teardown);
        });
    }

    @Override
    public Mono<Void> settled() {
        return Mono.defer(() -> teardown);
    }

    /** The members, then the fleet booted, reported, shut down (or kept): the exit code, or the first failure. */
    private Mono<Integer> boot(Hosts hosts, QemuLauncher launcher, AtomicReference<BootRun> current) {
        PrintWriter out = spec.commandLine().getOut();
        BootFunction fn = function == null ? null : bootFunction();
        Mono<List<FleetMember>> members = template != null
                ? TemplateCommand.clones(launcher, template, count, id -> cloneIdentity.forClone(id, timeout))
                : specs().members(launcher, fn, count);
        return members.flatMap(list -> {
            FleetOptions fleetOptions = FleetOptions.defaults()
                    .withConcurrency(concurrency == null ? 0 : concurrency)
                    .withPolicy(bestEffort ? FleetPolicy.BEST_EFFORT : FleetPolicy.ALL_OR_NOTHING)
                    // a kernel VM's init script runs no agent and ignores the ACPI button: QMP quit, then signals
                    .withShutdownPolicy(fn != null ? ShutdownPolicy.withoutGuest() : ShutdownPolicy.defaults());
            FleetProgress progress = FleetProgress.of(FleetProgress.modeFor(json), out,
                    list.stream().map(FleetMember::name).toList());
            BootRun run = new BootRun(launcher, hosts.fleetHosts(), list, fleetOptions, progress);
            current.set(run);
            return boot(run, list, hosts.fleetHosts(), out);
        });
    }

    private Mono<Integer> boot(BootRun run, List<FleetMember> members, List<FleetHost> fleetHosts, PrintWriter out) {
        long started = System.nanoTime();
        return run.boot()
                .onErrorMap(FleetBootException.class, e -> CliFailure.usage(FailureText.fleetBoot(e)))
                .flatMap(result -> run.orDisposed(BootFacts.report(result, members, fleetHosts,
                                Duration.ofNanos(System.nanoTime() - started).toMillis())
                        .flatMap(report -> afterBoot(run, result, report, members.size(), out))));
    }

    /** The report printed; the VMs kept, or held and shut down; exit 0, or 2 when some did not come up. */
    private Mono<Integer> afterBoot(BootRun run, FleetResult result, BootReport report, int members, PrintWriter out) {
        Mono<Void> printed = Mono.fromRunnable(() -> {
            if (json) {
                out.println(report.toJsonText(keep));
                out.flush();
            } else {
                report.printTable(out);
                if (keep) {
                    report.printKept(out);
                }
            }
        });
        Mono<Void> stopped = run.shutdown().then(Mono.fromRunnable(() -> {
            if (!json) {
                out.println(result.running().isEmpty() ? "no VM to stop" : "all VMs stopped");
                out.flush();
            }
        }));
        return (keep ? run.keep(result.running()) : Mono.<Void>empty())
                .then(printed)
                .then(hold && !keep ? holdUntilEndOfInput(out) : Mono.empty())
                .then(keep ? Mono.empty() : stopped)
                .then(Mono.fromCallable(() -> exitCode(report.failed(), members)));
    }

    /** 0, or with {@code --best-effort} and VMs that did not come up, the failure naming the first. */
    private static int exitCode(List<BootReport.Failed> failed, int members) {
        if (!failed.isEmpty()) {
            BootReport.Failed first = failed.get(0);
            throw CliFailure.usage(failed.size() + " of " + members
                    + " VMs did not come up (best effort): " + first.name() + " on " + first.host() + ": " + first.reason()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : ""));
        }
        return 0;
    }

    /**
     * {@code --hold}: the VMs stay up while standard input is open; Ctrl-C works as ever. The read blocks
     * one bounded-elastic worker (blocking I/O where Reactor allows it), never the command's pipeline.
     */
    private Mono<Void> holdUntilEndOfInput(PrintWriter out) {
        return Mono.fromRunnable(() -> {
            if (!json) {
                out.println("holding the VMs until the end of input (Ctrl-D)");
                out.flush();
            }
        }).then(Mono.<Void>fromRunnable(BootCommand::readToEndOfInput).subscribeOn(Schedulers.boundedElastic()));
    }

    private static void readToEndOfInput() {
        byte[] discard = new byte[4096];
        try {
            while (System.in.read(discard) >= 0) {
                // input is not a command: only its end matters
            }
        } catch (java.io.IOException e) {
            // a closed or broken stdin ends the hold like Ctrl-D
        }
    }

    // ---- options ----

    private void checkOptions() {
        if (count < 1 || count > MAX_COUNT) {
            throw CliFailure.usage("--count must be 1.." + MAX_COUNT + " (the VM id is one MAC octet), got " + count);
        }
        if (concurrency != null && concurrency < 1) {
            throw CliFailure.usage("--concurrency must be at least 1, got " + concurrency);
        }
        if (nics < 0) {
            throw CliFailure.usage("--nics must be 0 or more, got " + nics);
        }
        if (hold && keep) {
            throw CliFailure.usage("--hold and --keep exclude each other: --hold stops the VMs when input ends, --keep never");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw CliFailure.usage("--timeout must be positive");
        }
        checkBootSource();
        checkHosts();
        cloneIdentity.check(template != null, count);
        if (template != null) {
            List<String> fixed = List.of("--mode", "--smp", "--mem", "--nics", "--accel", "--append", "--kernel", "--initrd",
                    "--image", "--function", "--ready-line", "--probe", "--marker");
            for (String option : fixed) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw CliFailure.usage(option + " does not go with --template: the template fixes the guest");
                }
            }
        }
        checkFunction();
        if (marker != null) {
            try {
                Pattern.compile(marker);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw CliFailure.usage("--marker is not a regular expression: " + e.getDescription());
            }
        }
    }

    /** One of the test guest (in a --mode), --kernel or --image, with the options that go with it. */
    private void checkBootSource() {
        if (kernel != null && image != null) {
            throw CliFailure.usage("--kernel and --image exclude each other: boot a kernel or a disk image");
        }
        if (guest.mode != null && (kernel != null || image != null)) {
            throw CliFailure.usage("--mode picks a flavour of the test guest; it does not go with --kernel or --image");
        }
        if (initrd != null && kernel == null) {
            throw CliFailure.usage("--initrd needs --kernel");
        }
        if (guest.append != null && image != null) {
            throw CliFailure.usage("--append needs a kernel: the firmware boots --image with its own command line");
        }
    }

    private void checkHosts() {
        if (hostsFile != null && host.given()) {
            throw CliFailure.usage("--hosts and --host exclude each other: put the SSH host into the topology file");
        }
        if (!host.given() && host.hasKeys()) {
            throw CliFailure.usage("--identity and --known-hosts go with --host" + (hostsFile != null
                    ? " (a topology file names each host's identity and knownHosts)" : ""));
        }
    }

    private void checkFunction() {
        if (function != null) {
            if (guest.mode != GuestKit.Flavour.KERNEL) {
                throw CliFailure.usage("--function needs --mode kernel: the function runs as init of a kernel VM");
            }
            if (function.isBlank()) {
                throw CliFailure.usage("--function must not be empty");
            }
            if (readySignal != null || marker != null) {
                throw CliFailure.usage("--probe and --marker do not go with --function: --ready-line says when the function is up");
            }
        } else if (readyLine != null) {
            throw CliFailure.usage("--ready-line goes with --function");
        }
    }

    private BootSpecs specs() {
        return new BootSpecs(guest, kernel, initrd, image, nics, readySignal, marker, timeout);
    }

    private BootFunction bootFunction() {
        try {
            return BootFunction.of(function, readyLine == null ? BootFunction.DEFAULT_READY_LINE : readyLine, timeout);
        } catch (InvalidFunctionConfigException e) {
            throw CliFailure.usage("--function: " + e.getMessage());
        }
    }

    private LaunchOptions launchOptions(Hosts hosts) {
        boolean remote = hosts.fleetHosts().stream().anyMatch(h -> !(h.host() instanceof LocalHost));
        return remote ? runDir.launchOptionsOnRemote(host.given() ? host.uri : "every host of " + hostsFile)
                : runDir.launchOptions();
    }

    /** The fleet's hosts and how to close them (their SSH sessions). */
    private record Hosts(List<FleetHost> fleetHosts, Mono<Void> close) {

        /** Closes them, bounded; a failure to close is no failure of the command. */
        Mono<Void> closeQuietly() {
            return close.timeout(HOSTS_CLOSE_WAIT).onErrorResume(e -> {
                log.debug("closing the hosts: {}", e.toString());
                return Mono.empty();
            });
        }
    }

    private Hosts hosts() {
        if (hostsFile != null) {
            Topology topology;
            if (!Files.isReadable(hostsFile)) {
                throw CliFailure.usage("--hosts " + hostsFile + ": no such file (or not readable)");
            }
            try {
                topology = Topology.load(hostsFile);
            } catch (TopologyException e) {
                throw CliFailure.usage("--hosts: " + e.getMessage());
            }
            return new Hosts(topology.fleetHosts(), topology.close());
        }
        if (!host.given()) {
            return new Hosts(List.of(FleetHost.local()), Mono.empty());
        }
        Host ssh = host.open();
        return new Hosts(List.of(FleetHost.of(ssh.name(), ssh, HostCapacity.unlimited())), ssh.close());
    }
}
