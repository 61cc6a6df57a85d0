package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
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
import io.qemureactor.core.vm.VcpuThread;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor boot}: boots the test guest (or the user's kernel or image) N times
 * concurrently, prints a line per VM as it comes up and a table of what came up, then shuts the
 * VMs down, or with {@code --keep} leaves them running and says how to reach them.
 */
@Command(name = "boot",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Boot VMs and print what came up: pid, accelerator, boot time, vCPU threads, guest NICs.",
                "Boots the test guest of docs/guest.md (or your --kernel/--initrd, or --image) --count times "
                        + "concurrently, prints a line per VM as it comes up, then a table, then shuts the VMs down "
                        + "(with --keep it leaves them running and says how to reach them).",
                "Exit 0 when every VM came up (and, without --keep, went down); 2 on any failure, as one line on "
                        + "stderr, with no QEMU left running. Ctrl-C during boot tears down what was started."})
final class BootCommand implements Callable<Integer> {

    /** The guest's line that says it is up, when the test guest kit is not there to say it. */
    static final String DEFAULT_MARKER = "qemu-reactor-guest: ready";
    static final int MAX_COUNT = 255;
    /** Bound on looking up a booted VM's vCPU threads and guest NICs. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(30);

    enum Mode { DEFAULT, DISK, KERNEL }

    enum ProbeKind { QGA, SERIAL }

    @Spec
    CommandSpec spec;

    @Option(names = "--count", paramLabel = "N", defaultValue = "1",
            description = "How many VMs, with ids 1..N (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "4",
            description = "How many boot at once (default: ${DEFAULT-VALUE}).")
    int parallel;

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
    ProbeKind probeKind;

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

    @Option(names = "--json", description = "Print one JSON document instead of progress lines and a table.")
    boolean json;

    @Option(names = "--kernel", paramLabel = "FILE", description = "Boot this kernel instead of the test guest's.")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "The initrd for --kernel.")
    Path initrd;

    @Option(names = "--append", paramLabel = "TEXT",
            description = "Extra kernel parameters (with --kernel, or added to the test guest's).")
    String append;

    @Option(names = "--image", paramLabel = "FILE",
            description = "Boot this disk image through the firmware (raw, or qcow2 by its .qcow2 name), attached "
                    + "with snapshot=on so it is never written; its agent is expected on virtio-serial.")
    Path image;

    @Override
    public Integer call() {
        checkOptions();
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> progress = json ? line -> { } : line -> {
            out.println(line);
            out.flush();
        };
        List<VmSpec> specs = specs();
        BootProbe probe = probe();
        Host host = host();
        try {
            LaunchOptions options = LaunchOptions.defaults();
            if (runDir != null) {
                options = options.withRunBase(runBase());
            }
            BootRun run = new BootRun(host, new QemuLauncher(options), specs, probe, Math.min(parallel, count), progress);
            Thread hook = new Thread(run::interrupt, "qemu-reactor-boot-teardown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return boot(run, host, out);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is stopping: the hook runs (and tears down) anyway
                }
            }
        } finally {
            host.close().onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(10));
        }
    }

    private int boot(BootRun run, Host host, PrintWriter out) {
        long started = System.nanoTime();
        List<RunningVm> vms = run.boot();
        long wall = Duration.ofNanos(System.nanoTime() - started).toMillis();
        BootReport report = new BootReport(wall, host.name(), run.await(Flux.fromIterable(vms)
                .concatMap(this::describe)
                .collectList()));
        if (keep) {
            run.keep();
        }
        if (json) {
            out.println(report.toJsonText(keep));
            out.flush();
            if (!keep) {
                run.shutdown();
            }
            return 0;
        }
        report.printTable(out);
        if (keep) {
            report.printKept(out);
            if (!(host instanceof LocalHost)) {
                out.println("(the run folders and sockets are on " + host.name() + ")");
            }
            out.flush();
            return 0;
        }
        run.shutdown();
        out.println("all VMs stopped");
        out.flush();
        return 0;
    }

    /** The table's facts of one VM: vCPU threads from QMP, guest NICs from the agent when it has both. */
    private Mono<BootReport.Vm> describe(RunningVm vm) {
        Mono<List<VcpuThread>> vcpus = vm.vcpuThreads().timeout(LOOKUP_TIMEOUT).onErrorReturn(List.of());
        return Mono.zip(vcpus, guestNics(vm)).map(t -> BootReport.Vm.of(vm, t.getT1(), t.getT2().nics(), t.getT2().error()));
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
            throw usage("--count must be 1.." + MAX_COUNT + " (the VM id is one MAC octet), got " + count);
        }
        if (parallel < 1) {
            throw usage("--parallel must be at least 1, got " + parallel);
        }
        if (nics < 0) {
            throw usage("--nics must be 0 or more, got " + nics);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw usage("--timeout must be positive");
        }
        if (kernel != null && image != null) {
            throw usage("--kernel and --image exclude each other: boot a kernel or a disk image");
        }
        if (mode != null && (kernel != null || image != null)) {
            throw usage("--mode picks a flavour of the test guest; it does not go with --kernel or --image");
        }
        if (initrd != null && kernel == null) {
            throw usage("--initrd needs --kernel");
        }
        if (append != null && image != null) {
            throw usage("--append needs a kernel: the firmware boots --image with its own command line");
        }
        if (hostUri == null && (identity != null || knownHosts != null)) {
            throw usage("--identity and --known-hosts go with --host");
        }
        if (marker != null) {
            try {
                Pattern.compile(marker);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw usage("--marker is not a regular expression: " + e.getDescription());
            }
        }
    }

    private List<VmSpec> specs() {
        BootSource source = bootSource();
        List<VmSpec> specs = new ArrayList<>();
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
                specs.add(b.build());
            } catch (InvalidVmSpecException e) {
                throw usage("invalid VM spec: " + String.join("; ", e.violations()));
            }
        }
        return specs;
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
        GuestKit kit = kit();
        GuestKit.Flavour flavour = GuestKit.Flavour.valueOf((mode == null ? Mode.DEFAULT : mode).name());
        BootSource source = kit.bootSource(flavour);
        if (extra.isEmpty()) {
            return source;
        }
        if (source instanceof BootSource.KernelBoot k) {
            return withAppend(k, extra);
        }
        BootSource.DiskImage d = (BootSource.DiskImage) source;
        return new BootSource.DiskImage(d.path(), d.format(), d.cache(), d.snapshot(), d.directKernel().map(k -> withAppend(k, extra)));
    }

    private static BootSource.KernelBoot withAppend(BootSource.KernelBoot k, String extra) {
        return new BootSource.KernelBoot(k.kernel(), k.initrd(), (k.append() + " " + extra).strip(), k.ninePRoot());
    }

    private GuestKit kit() {
        try {
            return GuestKit.locate();
        } catch (IllegalStateException e) {
            throw usage(e.getMessage());
        }
    }

    private BootProbe probe() {
        ProbeKind kind = probeKind != null ? probeKind : image != null ? ProbeKind.QGA : ProbeKind.SERIAL;
        if (kind == ProbeKind.QGA) {
            return BootProbe.qga().withTimeout(timeout);
        }
        String regex = marker != null ? marker : Pattern.quote(kernel == null && image == null ? kit().marker() : DEFAULT_MARKER);
        return BootProbe.serialMarker(regex).withTimeout(timeout);
    }

    private String runBase() {
        if (hostUri == null) {
            return Path.of(runDir).toAbsolutePath().normalize().toString();
        }
        if (!runDir.startsWith("/")) {
            throw usage("--run-dir must be an absolute path on " + hostUri + ", got " + runDir);
        }
        return runDir;
    }

    private Host host() {
        if (hostUri == null) {
            return LocalHost.instance();
        }
        SshTarget target;
        try {
            target = SshTarget.parse(hostUri);
        } catch (IllegalArgumentException e) {
            throw usage("--host: " + e.getMessage());
        }
        if (identity != null) {
            if (!Files.isReadable(identity)) {
                throw usage("--identity " + identity + ": no such file (or not readable)");
            }
            target = target.withIdentity(identity);
        }
        if (knownHosts != null) {
            if (!Files.isReadable(knownHosts)) {
                throw usage("--known-hosts " + knownHosts + ": no such file (or not readable)");
            }
            target = target.withKnownHosts(knownHosts);
        } else if (!Files.isReadable(target.knownHosts())) {
            throw usage("--host " + hostUri + ": " + target.knownHosts() + " does not exist, so its host key cannot be "
                    + "verified: add it (ssh-keyscan -p " + target.port() + " " + target.host() + " >> "
                    + target.knownHosts() + ") or pass --known-hosts FILE");
        }
        return SshHost.of(target);
    }

    private static CliFailure usage(String message) {
        return new CliFailure(OneLineErrors.USAGE, "error: " + message);
    }

    // ---- converters: lower-case option values ----

    static final class ModeConverter implements CommandLine.ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            return parse(Mode.class, value, "default, disk or kernel");
        }
    }

    static final class ProbeConverter implements CommandLine.ITypeConverter<ProbeKind> {
        @Override
        public ProbeKind convert(String value) {
            return parse(ProbeKind.class, value, "qga or serial");
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
