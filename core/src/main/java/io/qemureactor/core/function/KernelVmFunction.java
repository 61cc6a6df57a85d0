package io.qemureactor.core.function;

import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.spec.MacAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The network function a kernel VM runs (the seed's {@code vnf}): which files it needs in the VM's run
 * folder, which command the init script runs, and how a serial-console probe tells that it is up.
 *
 * <p>Values only, no I/O. The launch pipeline writes {@link #files(Path)} through the {@code Host} into the
 * run folder (removed with the VM; the seed wrote into {@code /etc}), boots the kernel with
 * {@code init=}{@link #initScript(Path)} and the host's {@code /} as the guest's 9p root (so the run
 * folder has the same path inside the guest), and feeds console lines to {@link #readiness()}.
 *
 * <p>Every generated path is under {@code runFolder}, which must therefore be absolute and the same in
 * host and guest.
 */
public sealed interface KernelVmFunction permits KernelVmFunction.Vpp, KernelVmFunction.Testpmd,
        KernelVmFunction.Command {

    /** The init script's name in the run folder. */
    String INIT_SCRIPT = "init.sh";
    /** The serial console device of x86 guests. */
    String DEFAULT_CONSOLE = "ttyS0";

    /** The two vhost-user NICs as the guest sees them (slots 6 and 7), where the seed's functions ran. */
    static List<PciAddress> seedNics() {
        return List.of(PciAddress.rootBusSlot(6), PciAddress.rootBusSlot(7));
    }

    /**
     * VPP on the seed's two NICs with the seed's startup configuration ({@link VppStartupConfig#forKernelVm}).
     *
     * @param running the CLI script VPP runs once up, e.g. {@link VppRunningConfig#l2CrossConnect()}
     * @param hostVppVersion what VPP's {@code show version} prints on the console (the seed read it from the
     *     host's VPP, which was the same build); our hosts have no VPP, so the caller says it
     */
    static Vpp vpp(int smp, int queues, boolean jumboFrames, VppRunningConfig running, String hostVppVersion) {
        return new Vpp(smp, queues, jumboFrames, running, hostVppVersion, Vpp.DEFAULT_BINARY, seedNics());
    }

    /** testpmd in io mode on the seed's two NICs ({@link TestpmdCommandLine#kernelVmIo}). */
    static Testpmd testpmdIo(int smp, int queues) {
        return new Testpmd("testpmd-io", TestpmdCommandLine.kernelVmIo(smp, queues), seedNics());
    }

    /** testpmd in mac mode towards the peers' MACs ({@link TestpmdCommandLine#kernelVmMac}). */
    static Testpmd testpmdMac(int smp, int queues, MacAddress vif1Mac, MacAddress vif2Mac) {
        return new Testpmd("testpmd-mac", TestpmdCommandLine.kernelVmMac(smp, queues, vif1Mac, vif2Mac), seedNics());
    }

    /** testpmd with the caller's command line. */
    static Testpmd testpmd(TestpmdCommandLine commandLine) {
        return new Testpmd("testpmd", commandLine, seedNics());
    }

    /**
     * A program of the caller's: no config files, no NICs bound (see {@link Command#withNics}), ready when the
     * init script announces it (see {@link Command#withReadiness}).
     */
    static Command command(String... argv) {
        List<String> list = Arrays.asList(argv.clone());
        return new Command("command", list, List.of(), ReadinessRule.lineContaining(InitScript.startingLine("command")));
    }

    /** A short name for logs and console lines. */
    String name();

    /** The guest PCI addresses the init script hands to vfio-pci. */
    List<PciAddress> nics();

    /** Folders the function needs at run time, created by the init script on the guest's tmpfs. */
    List<Path> runtimeFolders();

    /** What the init script runs, argv form. */
    List<String> command(Path runFolder);

    /** How the console tells that the function is up, or that it failed. */
    ReadinessRule readiness();

    /** The function's own configuration files (not the init script). */
    List<GeneratedFile> configFiles(Path runFolder);

    /** The init script for a VM whose serial console is {@code console} ({@code ttyS0}, {@code ttyAMA0}). */
    default InitScript initScript(Path runFolder, String console) {
        return InitScript.builder()
                .functionName(name())
                .nics(nics())
                .runtimeFolders(runtimeFolders())
                .command(command(runFolder))
                .console(console)
                .build();
    }

    /** Where the init script lands: the kernel's {@code init=} parameter. */
    default Path initScript(Path runFolder) {
        return checkRunFolder(runFolder).resolve(INIT_SCRIPT);
    }

    /** Every file to write for an x86 guest: the configs, then the executable init script. */
    default List<GeneratedFile> files(Path runFolder) {
        return files(runFolder, DEFAULT_CONSOLE);
    }

    /** Every file to write: the configs, then the executable init script for {@code console}. */
    default List<GeneratedFile> files(Path runFolder, String console) {
        checkRunFolder(runFolder);
        List<GeneratedFile> files = new ArrayList<>(configFiles(runFolder));
        files.add(new GeneratedFile(Path.of(INIT_SCRIPT), initScript(runFolder, console).render(),
                GeneratedFile.MODE_EXECUTABLE));
        return List.copyOf(files);
    }

    /** The run folder appears in configs and in the script: absolute, one word. */
    static Path checkRunFolder(Path runFolder) {
        Checks.absolutePath("runFolder", runFolder);
        Checks.token("runFolder", runFolder.toString());
        return runFolder;
    }

    /**
     * VPP with a startup configuration ({@value #STARTUP}) and a running configuration ({@value #RUNNING}) in
     * the run folder, run as {@code vpp -c RUN/vpp-startup.conf}; ready when the host VPP's version string
     * appears on the console ({@code show version} ends every running configuration).
     */
    record Vpp(int smp, int queues, boolean jumboFrames, VppRunningConfig running, String hostVppVersion, Path binary,
            List<PciAddress> nics) implements KernelVmFunction {

        public static final String STARTUP = "vpp-startup.conf";
        public static final String RUNNING = "vpp-running.exec";
        public static final Path DEFAULT_BINARY = Path.of("/usr/bin/vpp");
        /** Where VPP puts its CLI and API sockets ({@link VppStartupConfig#DEFAULT_CLI_LISTEN}). */
        public static final Path RUNTIME_FOLDER = Path.of("/run/vpp");

        public Vpp {
            Checks.atLeast("smp", smp, 1);
            Checks.atLeast("queues", queues, 1);
            Objects.requireNonNull(running, "running");
            running.render(); // fail now, naming the template's missing or unknown parameters
            Objects.requireNonNull(hostVppVersion, "hostVppVersion");
            if (hostVppVersion.isBlank()) {
                throw new InvalidFunctionConfigException("hostVppVersion", "must not be blank: it would match any line");
            }
            Checks.absolutePath("binary", binary);
            nics = List.copyOf(nics);
            if (nics.isEmpty()) {
                throw new InvalidFunctionConfigException("nics", "VPP's dpdk stanza needs at least one NIC");
            }
            VppStartupConfig.builder().dpdkDevs(nics); // rejects duplicates, naming dpdk.dev
        }

        public Vpp withBinary(Path vpp) {
            return new Vpp(smp, queues, jumboFrames, running, hostVppVersion, vpp, nics);
        }

        public Vpp withNics(List<PciAddress> addresses) {
            return new Vpp(smp, queues, jumboFrames, running, hostVppVersion, binary, addresses);
        }

        @Override
        public String name() {
            return "vpp";
        }

        @Override
        public List<Path> runtimeFolders() {
            return List.of(RUNTIME_FOLDER);
        }

        /** The startup configuration for this run folder. */
        public VppStartupConfig startupConfig(Path runFolder) {
            return VppStartupConfig.forKernelVm(smp, queues, jumboFrames, nics,
                    KernelVmFunction.checkRunFolder(runFolder).resolve(RUNNING));
        }

        @Override
        public List<String> command(Path runFolder) {
            return List.of(binary.toString(), "-c", KernelVmFunction.checkRunFolder(runFolder).resolve(STARTUP).toString());
        }

        @Override
        public ReadinessRule readiness() {
            return ReadinessRule.lineContaining(hostVppVersion);
        }

        @Override
        public List<GeneratedFile> configFiles(Path runFolder) {
            return List.of(
                    new GeneratedFile(Path.of(STARTUP), startupConfig(runFolder).render(), GeneratedFile.MODE_CONFIG),
                    new GeneratedFile(Path.of(RUNNING), running.render(), GeneratedFile.MODE_CONFIG));
        }
    }

    /** DPDK testpmd; no config files; ready on "Press enter to exit", which it prints once forwarding. */
    record Testpmd(String name, TestpmdCommandLine commandLine, List<PciAddress> nics, NicBinding binding)
            implements KernelVmFunction {

        /** testpmd's line once ports are started and forwarding runs (non-interactive mode). */
        public static final String READY_LINE = "Press enter to exit";

        public Testpmd {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(commandLine, "commandLine");
            nics = List.copyOf(nics);
            Objects.requireNonNull(binding, "binding");
            InitScript.builder().functionName(name).nics(nics); // same checks as the script will make
        }

        /** The seed's: NICs on vfio-pci. */
        public Testpmd(String name, TestpmdCommandLine commandLine, List<PciAddress> nics) {
            this(name, commandLine, nics, NicBinding.vfioPci());
        }

        public Testpmd withNics(List<PciAddress> addresses) {
            return new Testpmd(name, commandLine, addresses, binding);
        }

        /** The NICs on another driver, e.g. {@link NicBinding#uioPciGeneric} in a guest without vfio no-IOMMU mode. */
        public Testpmd withBinding(NicBinding nicBinding) {
            return new Testpmd(name, commandLine, nics, nicBinding);
        }

        @Override
        public InitScript initScript(Path runFolder, String console) {
            return InitScript.builder()
                    .functionName(name())
                    .nics(nics())
                    .nicBinding(binding)
                    .runtimeFolders(runtimeFolders())
                    .command(command(runFolder))
                    .console(console)
                    .build();
        }

        @Override
        public List<Path> runtimeFolders() {
            return List.of(); // --in-memory: no runtime files
        }

        @Override
        public List<String> command(Path runFolder) {
            return commandLine.argv();
        }

        @Override
        public ReadinessRule readiness() {
            return ReadinessRule.lineContaining(READY_LINE);
        }

        @Override
        public List<GeneratedFile> configFiles(Path runFolder) {
            return List.of();
        }
    }

    /** A program of the caller's, run as given. */
    record Command(String name, List<String> argv, List<PciAddress> nics, ReadinessRule readiness)
            implements KernelVmFunction {

        public Command {
            Objects.requireNonNull(name, "name");
            argv = List.copyOf(argv);
            nics = List.copyOf(nics);
            Objects.requireNonNull(readiness, "readiness");
            InitScript.builder().functionName(name).nics(nics).command(argv); // fail now, not at launch
        }

        /** A copy with another name (the default readiness line follows it if it was the default). */
        public Command withName(String newName) {
            ReadinessRule defaultRule = ReadinessRule.lineContaining(InitScript.startingLine(name));
            ReadinessRule rule = readiness.equals(defaultRule)
                    ? ReadinessRule.lineContaining(InitScript.startingLine(newName)) : readiness;
            return new Command(newName, argv, nics, rule);
        }

        public Command withNics(List<PciAddress> addresses) {
            return new Command(name, argv, addresses, readiness);
        }

        public Command withReadiness(ReadinessRule rule) {
            return new Command(name, argv, nics, rule);
        }

        @Override
        public List<Path> runtimeFolders() {
            return List.of();
        }

        @Override
        public List<String> command(Path runFolder) {
            return argv;
        }

        @Override
        public List<GeneratedFile> configFiles(Path runFolder) {
            return List.of();
        }
    }
}
