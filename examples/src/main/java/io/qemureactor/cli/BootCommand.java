package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetBootException;
import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.FleetPolicy;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.fleet.HostCapacity;
import io.qemureactor.core.fleet.MemberFailure;
import io.qemureactor.core.fleet.Topology;
import io.qemureactor.core.fleet.TopologyException;
import io.qemureactor.core.function.InvalidFunctionConfigException;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.DiskCache;
import io.qemureactor.core.spec.InvalidVmSpecException;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VirtioNic;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.GuestNic;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import io.qemureactor.core.vm.VcpuThread;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
                        + "with --mode kernel --function) --count times as one fleet, concurrently, here, on --host or "
                        + "across the hosts of a --hosts topology; prints each VM's progress, then a table, then shuts "
                        + "the VMs down (with --keep it leaves them running and says how to reach them).",
                "Exit 0 when every VM came up (and, without --keep, went down); 2 on any failure, as one line on "
                        + "stderr, with no QEMU left running (with --best-effort the VMs that came up stay until the "
                        + "end). Ctrl-C tears down what was started."})
final class BootCommand implements Callable<Integer> {

    /** The guest's line that says it is up, when the test guest kit is not there to say it. */
    static final String DEFAULT_MARKER = "qemu-reactor-guest: ready";
    static final int MAX_COUNT = 255;
    /** Bound on looking up a booted VM's vCPU threads and guest NICs. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    enum Mode { DEFAULT, DISK, KERNEL }

    /** What {@code --probe} waits for: the guest agent, or a marker line on the serial console. */
    enum ReadySignal { QGA, SERIAL }

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

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
            description = "The test guest's flavour: default (initramfs only), disk (ext4 root on virtio-blk), "
                    + "kernel (the host's / over 9p) (default: default).")
    Mode mode;

    @Option(names = "--accel", paramLabel = "ACCEL", defaultValue = "auto", converter = AccelConverter.class,
            description = "auto, kvm or tcg; auto takes KVM only where it really runs a guest (default: ${DEFAULT-VALUE}).")
    Accelerator accel;

    @Option(names = "--smp", paramLabel = "N", defaultValue = "1", description = "vCPUs per VM (default: ${DEFAULT-VALUE}).")
    int smp;

    @Option(names = "--mem", paramLabel = "MiB", defaultValue = "256", description = "Memory per VM (default: ${DEFAULT-VALUE}).")
    int memoryMib;

    @Option(names = "--nics", paramLabel = "N", defaultValue = "0",
            description = "Guest NICs on QEMU user networking: the first is the management NIC, the others extra "
                    + "virtio NICs; mapped to guest names through the agent (default: ${DEFAULT-VALUE}).")
    int nics;

    @Option(names = "--probe", paramLabel = "PROBE", converter = ProbeConverter.class,
            description = "When a VM is ready: serial (the marker line on the console) or qga (the guest agent "
                    + "answers) (default: serial, qga with --image).")
    ReadySignal readySignal;

    @Option(names = "--marker", paramLabel = "REGEX",
            description = "The console line the serial probe waits for (default: the test guest's, '" + DEFAULT_MARKER + "').")
    String marker;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long each VM may take to be ready (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--run-dir", paramLabel = "DIR",
            description = "Where the VMs' run folders (sockets, logs) go, on the host that runs them "
                    + "(default: /tmp/qemu-reactor-USER).")
    String runDir;

    @Option(names = "--host", paramLabel = "ssh://USER@HOST[:PORT]",
            description = "Boot on this host over SSH instead of here; its host key must be in --known-hosts, "
                    + "and the boot files must exist there.")
    String hostUri;

    @Option(names = "--identity", paramLabel = "FILE", description = "The SSH private key for --host.")
    Path identity;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "The known_hosts file --host's key is checked against (default: ~/.ssh/known_hosts).")
    Path knownHosts;

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

    @Option(names = "--append", paramLabel = "TEXT",
            description = "Extra kernel parameters (with --kernel, or added to the test guest's).")
    String append;

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
                    + "no --mode, --smp, --mem, --nics, --accel, --append, --kernel, --image, --function, --probe, --marker, --host(s).")
    Path template;

    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        Hosts hosts = hosts();
        try {
            LaunchOptions options = LaunchOptions.defaults();
            if (runDir != null) {
                options = options.withRunBase(runBase(hosts));
            }
            QemuLauncher launcher = new QemuLauncher(options);
            BootFunction fn = function == null ? null : bootFunction();
            List<FleetMember> members = members(launcher, fn);
            FleetOptions fleetOptions = FleetOptions.defaults()
                    .withConcurrency(concurrency == null ? 0 : concurrency)
                    .withPolicy(bestEffort ? FleetPolicy.BEST_EFFORT : FleetPolicy.ALL_OR_NOTHING)
                    // a kernel VM's init script runs no agent and ignores the ACPI button: QMP quit, then signals
                    .withShutdownPolicy(fn != null ? ShutdownPolicy.withoutGuest() : ShutdownPolicy.defaults());
            FleetProgress progress = FleetProgress.of(FleetProgress.modeFor(json), out,
                    members.stream().map(FleetMember::name).toList());
            BootRun run = new BootRun(launcher, hosts.fleetHosts(), members, fleetOptions, progress);
            Thread hook = new Thread(run::interrupt, "qemu-reactor-boot-teardown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return boot(run, members, hosts.fleetHosts(), out);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is stopping: the hook runs (and tears down) anyway
                }
            }
        } finally {
            hosts.close().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
        }
    }

    private int boot(BootRun run, List<FleetMember> members, List<FleetHost> fleetHosts, PrintWriter out) {
        long started = System.nanoTime();
        FleetResult result;
        try {
            result = run.boot();
        } catch (FleetBootException e) {
            throw CliFailure.usage(describe(e));
        }
        long wall = Duration.ofNanos(System.nanoTime() - started).toMillis();
        BootReport report;
        try {
            report = report(run, result, members, fleetHosts, wall);
        } catch (RuntimeException | Error e) {
            run.interrupt(); // whatever went wrong after the boot, the VMs must not outlive the command
            throw e;
        }
        List<BootReport.Failed> failed = report.failed();
        if (keep) {
            run.keep();
        }
        if (json) {
            out.println(report.toJsonText(keep));
            out.flush();
        } else {
            report.printTable(out);
            if (keep) {
                report.printKept(out);
            }
        }
        if (hold && !keep) {
            holdUntilEndOfInput(out);
        }
        if (!keep) {
            run.shutdown();
            if (!json) {
                out.println(result.running().isEmpty() ? "no VM to stop" : "all VMs stopped");
                out.flush();
            }
        }
        if (!failed.isEmpty()) {
            BootReport.Failed first = failed.get(0);
            throw CliFailure.usage(failed.size() + " of " + members.size()
                    + " VMs did not come up (best effort): " + first.name() + " on " + first.host() + ": " + first.reason()
                    + (failed.size() > 1 ? " (and " + (failed.size() - 1) + " more)" : ""));
        }
        return 0;
    }

    /** {@code --hold}: the VMs stay up while standard input is open; Ctrl-C (the shutdown hook) works as ever. */
    private void holdUntilEndOfInput(PrintWriter out) {
        if (!json) {
            out.println("holding the VMs until the end of input (Ctrl-D)");
            out.flush();
        }
        byte[] discard = new byte[4096];
        try {
            // the CLI's edge: its main thread has nothing else to do than wait for the user
            while (System.in.read(discard) >= 0) {
                // input is not a command: only its end matters
            }
        } catch (java.io.IOException e) {
            // a closed or broken stdin ends the hold like Ctrl-D
        }
    }

    /** What came up (vCPU threads, guest NICs) and what did not. */
    private BootReport report(BootRun run, FleetResult result, List<FleetMember> members, List<FleetHost> fleetHosts,
                              long wall) {
        List<BootReport.Vm> vms = run.await(Flux.fromIterable(result.running())
                .concatMap(vm -> describe(vm, result.hostOf(vm.name()).orElse(vm.host().name())))
                .collectList());
        Map<String, Integer> ids = new HashMap<>();
        members.forEach(m -> ids.put(m.name(), m.spec().id()));
        List<BootReport.Failed> failed = result.failed().stream()
                .map(f -> new BootReport.Failed(ids.getOrDefault(f.vmName(), 0), f.vmName(), f.host(),
                        FleetProgress.withoutName(f.vmName(), f.host(), f.reason())
                                + BootFunction.consoleSuffix(f.cause())))
                .sorted(Comparator.comparingInt(BootReport.Failed::id))
                .toList();
        return new BootReport(wall, fleetHosts.stream().map(FleetHost::name).toList(), vms, failed);
    }

    /** {@code vmN on HOST: why}, with the VM and host said once (the launcher's messages often say them already). */
    static String line(MemberFailure f) {
        return f.reason().startsWith(f.vmName() + " on ") ? f.reason()
                : f.vmName() + " on " + f.host() + ": " + FleetProgress.withoutName(f.vmName(), f.host(), f.reason());
    }

    /**
     * An all-or-nothing boot that failed, in one line: the VM that failed first and why, then what that
     * did to the others (cancelled, never launched, stopped).
     */
    static String describe(FleetBootException e) {
        List<MemberFailure> failures = e.failures();
        if (failures.isEmpty()) {
            return Errors.oneLine(e);
        }
        MemberFailure first = failures.get(0);
        StringBuilder b = new StringBuilder(line(first));
        b.append(BootFunction.consoleSuffix(first.cause()));
        List<String> others = failures.subList(1, failures.size()).stream().map(MemberFailure::vmName).toList();
        if (!others.isEmpty() || !e.stopped().isEmpty()) {
            b.append(" (all-or-nothing");
            if (!others.isEmpty()) {
                b.append("; not up: ").append(String.join(", ", others));
            }
            if (!e.stopped().isEmpty()) {
                b.append("; stopped: ").append(String.join(", ", e.stopped()));
            }
            b.append(')');
        }
        return b.toString().strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The table's facts of one VM: vCPU threads from QMP, guest NICs from the agent when it has both. */
    private Mono<BootReport.Vm> describe(RunningVm vm, String host) {
        Mono<List<VcpuThread>> vcpus = vm.vcpuThreads().timeout(LOOKUP_TIMEOUT).onErrorReturn(List.of());
        return Mono.zip(vcpus, guestNics(vm))
                .map(t -> BootReport.Vm.of(vm, host, t.getT1(), t.getT2().nics(), t.getT2().error()));
    }

    private record Nics(List<GuestNic> nics, Optional<String> error) {
    }

    private static Mono<Nics> guestNics(RunningVm vm) {
        if (vm.spec().nics().isEmpty()) {
            return Mono.just(new Nics(List.of(), Optional.empty()));
        }
        if (!vm.spec().qgaIsaSerial() && !vm.spec().qgaVirtioSerial()) {
            return Mono.just(new Nics(List.of(), Optional.of("the VM has no guest agent channel")));
        }
        return vm.guestInterfaces().timeout(LOOKUP_TIMEOUT)
                .map(list -> new Nics(list, Optional.empty()))
                .onErrorResume(e -> Mono.just(new Nics(List.of(), Optional.of(Errors.oneLine(Errors.unwrap(e))))));
    }

    // ---- options to specs ----

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
        if (kernel != null && image != null) {
            throw CliFailure.usage("--kernel and --image exclude each other: boot a kernel or a disk image");
        }
        if (mode != null && (kernel != null || image != null)) {
            throw CliFailure.usage("--mode picks a flavour of the test guest; it does not go with --kernel or --image");
        }
        if (initrd != null && kernel == null) {
            throw CliFailure.usage("--initrd needs --kernel");
        }
        if (append != null && image != null) {
            throw CliFailure.usage("--append needs a kernel: the firmware boots --image with its own command line");
        }
        if (hostsFile != null && hostUri != null) {
            throw CliFailure.usage("--hosts and --host exclude each other: put the SSH host into the topology file");
        }
        if (hostUri == null && (identity != null || knownHosts != null)) {
            throw CliFailure.usage("--identity and --known-hosts go with --host" + (hostsFile != null
                    ? " (a topology file names each host's identity and knownHosts)" : ""));
        }
        if (template != null) {
            List<String> fixed = List.of("--mode", "--smp", "--mem", "--nics", "--accel", "--append", "--kernel", "--initrd",
                    "--image", "--function", "--ready-line", "--probe", "--marker", "--host", "--hosts");
            for (String option : fixed) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw CliFailure.usage(option + " does not go with --template: the template fixes the guest and runs here");
                }
            }
        }
        if (function != null) {
            if (mode != Mode.KERNEL) {
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
        if (marker != null) {
            try {
                Pattern.compile(marker);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw CliFailure.usage("--marker is not a regular expression: " + e.getDescription());
            }
        }
    }

    private BootFunction bootFunction() {
        try {
            return BootFunction.of(function, readyLine == null ? BootFunction.DEFAULT_READY_LINE : readyLine, timeout);
        } catch (InvalidFunctionConfigException e) {
            throw CliFailure.usage("--function: " + e.getMessage());
        }
    }

    private List<FleetMember> members(QemuLauncher launcher, BootFunction fn) {
        if (template != null) {
            return TemplateCommand.clones(launcher, template, count, timeout);
        }
        BootSource source = bootSource();
        BootProbe probe = fn == null ? probe() : null;
        List<FleetMember> members = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            VmSpec.Builder b = VmSpec.builder().id(id).smp(smp).memoryMib(memoryMib).accelerator(accel).bootSource(source);
            if (image != null) {
                // a distribution's qemu-ga listens on the virtio-serial port by default
                b.qgaIsaSerial(false).qgaVirtioSerial(true);
            }
            if (nics > 0) {
                b.userNetwork(UserNetwork.noForward());
                for (int i = 1; i < nics; i++) {
                    b.addVirtioNic(VirtioNic.create());
                }
            }
            try {
                members.add(fn == null ? FleetMember.of(b.build(), probe) : fn.member(launcher, b));
            } catch (InvalidVmSpecException e) {
                throw CliFailure.usage("invalid VM spec: " + String.join("; ", e.violations()));
            } catch (InvalidFunctionConfigException e) {
                throw CliFailure.usage("--function: " + e.getMessage());
            }
        }
        return members;
    }

    private BootSource bootSource() {
        String extra = append == null ? "" : append.strip();
        if (image != null) {
            Path path = image.toAbsolutePath().normalize();
            String format = path.getFileName() != null && path.getFileName().toString().endsWith(".qcow2") ? "qcow2" : "raw";
            return BootSource.diskImage(path, format, DiskCache.NONE).withSnapshot();
        }
        if (kernel != null) {
            return BootSource.kernel(kernel.toAbsolutePath().normalize(),
                    initrd == null ? null : initrd.toAbsolutePath().normalize(), extra);
        }
        GuestKit.Flavour flavour = GuestKit.Flavour.valueOf((mode == null ? Mode.DEFAULT : mode).name());
        // with --function, KernelVm puts its own init script in place of the kit's
        return GuestSpecs.source(kit(), flavour, extra);
    }

    private GuestKit kit() {
        return GuestKits.locate();
    }

    private BootProbe probe() {
        ReadySignal kind = readySignal != null ? readySignal : image != null ? ReadySignal.QGA : ReadySignal.SERIAL;
        if (kind == ReadySignal.QGA) {
            return BootProbe.qga().withTimeout(timeout);
        }
        String regex = marker != null ? marker : Pattern.quote(kernel == null && image == null ? kit().marker() : DEFAULT_MARKER);
        return BootProbe.serialMarker(regex).withTimeout(timeout);
    }

    private String runBase(Hosts hosts) {
        boolean remote = hosts.fleetHosts().stream().anyMatch(h -> !(h.host() instanceof LocalHost));
        if (!remote) {
            return Path.of(runDir).toAbsolutePath().normalize().toString();
        }
        if (!runDir.startsWith("/")) {
            throw CliFailure.usage("--run-dir must be an absolute path on " + (hostUri != null ? hostUri : "every host of " + hostsFile)
                    + ", got " + runDir);
        }
        return runDir;
    }

    /** The fleet's hosts and how to close them (their SSH sessions). */
    private record Hosts(List<FleetHost> fleetHosts, Mono<Void> close) {
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
        if (hostUri == null) {
            return new Hosts(List.of(FleetHost.local()), Mono.empty());
        }
        Host host = sshHost();
        return new Hosts(List.of(FleetHost.of(host.name(), host, HostCapacity.unlimited())), host.close());
    }

    private Host sshHost() {
        return RemoteHost.open(hostUri, identity, knownHosts);
    }

    // ---- converters: lower-case option values ----

    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return parse(Mode.class, value, "default, disk or kernel");
        }
    }

    static final class ProbeConverter implements CommandLine.ITypeConverter<ReadySignal> {
        @Override
        public ReadySignal convert(String value) {
            return parse(ReadySignal.class, value, "qga or serial");
        }
    }

    static final class AccelConverter implements CommandLine.ITypeConverter<Accelerator> {
        @Override
        public Accelerator convert(String value) {
            return parse(Accelerator.class, value, "auto, kvm or tcg");
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String expected) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of " + expected);
        }
    }
}
