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

    /**
     * The two vhost-user NICs as the guest sees them, where the seed's functions ran.
     *
     * @return {@code 0000:00:06.0} and {@code 0000:00:07.0} (root bus slots 6 and 7)
     */
    static List<PciAddress> seedNics() {
        return List.of(PciAddress.rootBusSlot(6), PciAddress.rootBusSlot(7));
    }

    /**
     * VPP on the seed's two NICs with the seed's startup configuration ({@link VppStartupConfig#forKernelVm}),
     * run from {@link Vpp#DEFAULT_BINARY}.
     *
     * @param smp     the guest's vCPUs: core 0 runs VPP's main thread, the others one worker each; at least 1
     * @param queues  rx queues per NIC; at least 1
     * @param jumboFrames whether frames larger than one buffer must pass (keeps multi-segment buffers and
     *     tx checksum offload on)
     * @param running the CLI script VPP runs once up, e.g. {@link VppRunningConfig#l2CrossConnect()}
     * @param hostVppVersion what VPP's {@code show version} prints on the console (the seed read it from the
     *     host's VPP, which was the same build); our hosts have no VPP, so the caller says it; the readiness
     *     line, so not blank
     * @return the function
     * @throws InvalidFunctionConfigException naming the parameter ({@code smp}, {@code queues},
     *     {@code hostVppVersion}), or a {@link TemplateParameterException} if {@code running} lacks a value
     */
    static Vpp vpp(int smp, int queues, boolean jumboFrames, VppRunningConfig running, String hostVppVersion) {
        return new Vpp(smp, queues, jumboFrames, running, hostVppVersion, Vpp.DEFAULT_BINARY, seedNics());
    }

    /**
     * testpmd in io mode on the seed's two NICs, bound to vfio-pci ({@link TestpmdCommandLine#kernelVmIo}).
     *
     * @param smp    the guest's vCPUs, all used as lcores (core 0 the main one); at least 2
     * @param queues rx and tx queues per port; at least 1
     * @return the function, named {@code testpmd-io}
     * @throws InvalidFunctionConfigException naming {@code smp} if below 2, or {@code rxq}/{@code txq}
     *     if {@code queues} is below 1
     */
    static Testpmd testpmdIo(int smp, int queues) {
        return new Testpmd("testpmd-io", TestpmdCommandLine.kernelVmIo(smp, queues), seedNics());
    }

    /**
     * testpmd in mac mode towards the peers' MACs, on the seed's two NICs bound to vfio-pci
     * ({@link TestpmdCommandLine#kernelVmMac}).
     *
     * @param smp     the guest's vCPUs, all used as lcores (core 0 the main one); at least 2
     * @param queues  rx and tx queues per port; at least 1
     * @param vif1Mac destination MAC of what port 0 sends
     * @param vif2Mac destination MAC of what port 1 sends
     * @return the function, named {@code testpmd-mac}
     * @throws InvalidFunctionConfigException naming {@code smp} if below 2, or {@code rxq}/{@code txq}
     *     if {@code queues} is below 1
     * @throws NullPointerException if a MAC is null
     */
    static Testpmd testpmdMac(int smp, int queues, MacAddress vif1Mac, MacAddress vif2Mac) {
        return new Testpmd("testpmd-mac", TestpmdCommandLine.kernelVmMac(smp, queues, vif1Mac, vif2Mac), seedNics());
    }

    /**
     * testpmd with the caller's command line, on the seed's two NICs bound to vfio-pci.
     *
     * @param commandLine the full argv, binary included
     * @return the function, named {@code testpmd}
     */
    static Testpmd testpmd(TestpmdCommandLine commandLine) {
        return new Testpmd("testpmd", commandLine, seedNics());
    }

    /**
     * A program of the caller's: no config files, no NICs bound (see {@link Command#withNics}), ready when the
     * init script announces it (see {@link Command#withReadiness}).
     *
     * @param argv the program (an absolute path in the guest) and its arguments; copied
     * @return the function, named {@code command}
     * @throws InvalidFunctionConfigException naming {@code command} if {@code argv} is empty,
     *     {@code command[0]} if the program is not an absolute path, or {@code command[i]} for a line break
     */
    static Command command(String... argv) {
        List<String> list = Arrays.asList(argv.clone());
        return new Command("command", list, List.of(), ReadinessRule.lineContaining(InitScript.startingLine("command")));
    }

    /**
     * A short name for logs and console lines.
     *
     * @return 1 to 64 of {@code A-Z a-z 0-9 . _ -}
     */
    String name();

    /**
     * The NICs the init script hands to the function's driver (vfio-pci unless a {@link Testpmd} says
     * otherwise).
     *
     * @return their guest PCI addresses, in order; may be empty
     */
    List<PciAddress> nics();

    /**
     * Folders the function needs at run time, created by the init script on the guest's tmpfs.
     *
     * @return absolute guest paths; may be empty
     */
    List<Path> runtimeFolders();

    /**
     * What the init script runs.
     *
     * @param runFolder the VM's run folder, absolute (configs in it may be named on the command line)
     * @return the argv, {@code argv[0]} an absolute path
     */
    List<String> command(Path runFolder);

    /**
     * How the console tells that the function is up, or that it failed.
     *
     * @return the rule the serial probe applies to console lines
     */
    ReadinessRule readiness();

    /**
     * The function's own configuration files (not the init script). Generates text only, no I/O.
     *
     * @param runFolder the VM's run folder, absolute (configs may refer to each other by full path)
     * @return the files, relative to the run folder; may be empty
     * @throws InvalidFunctionConfigException naming {@code runFolder} if {@link Vpp}'s is not absolute or not
     *     one word (functions without configs ignore it)
     */
    List<GeneratedFile> configFiles(Path runFolder);

    /**
     * The init script for a VM whose serial console is {@code console}.
     *
     * @param runFolder the VM's run folder, absolute
     * @param console   the console device under {@code /dev}: {@code ttyS0} (x86) or {@code ttyAMA0} (aarch64)
     * @return the script, not yet rendered
     * @throws InvalidFunctionConfigException naming the parameter the script rejects
     */
    default InitScript initScript(Path runFolder, String console) {
        return InitScript.builder()
                .functionName(name())
                .nics(nics())
                .runtimeFolders(runtimeFolders())
                .command(command(runFolder))
                .console(console)
                .build();
    }

    /**
     * Where the init script lands: the kernel's {@code init=} parameter.
     *
     * @param runFolder the VM's run folder, absolute and the same in host and guest
     * @return {@code runFolder/}{@value #INIT_SCRIPT}
     * @throws InvalidFunctionConfigException naming {@code runFolder} if not absolute or not one word
     */
    default Path initScript(Path runFolder) {
        return checkRunFolder(runFolder).resolve(INIT_SCRIPT);
    }

    /**
     * Every file to write for an x86 guest (console {@value #DEFAULT_CONSOLE}).
     *
     * @param runFolder the VM's run folder, absolute and the same in host and guest
     * @return the configs, then the executable init script; all relative to {@code runFolder}
     * @throws InvalidFunctionConfigException naming the parameter that cannot be generated
     */
    default List<GeneratedFile> files(Path runFolder) {
        return files(runFolder, DEFAULT_CONSOLE);
    }

    /**
     * Every file to write. Generates text only, no I/O: {@link KernelVm#writeFiles} writes them.
     *
     * @param runFolder the VM's run folder, absolute and the same in host and guest
     * @param console   the serial console device under {@code /dev}, e.g. {@code ttyS0}
     * @return the configs, then the executable init script; all relative to {@code runFolder}
     * @throws InvalidFunctionConfigException naming the parameter that cannot be generated
     */
    default List<GeneratedFile> files(Path runFolder, String console) {
        checkRunFolder(runFolder);
        List<GeneratedFile> files = new ArrayList<>(configFiles(runFolder));
        files.add(new GeneratedFile(Path.of(INIT_SCRIPT), initScript(runFolder, console).render(),
                GeneratedFile.MODE_EXECUTABLE));
        return List.copyOf(files);
    }

    /**
     * Checks a run folder, which appears in configs and in the script.
     *
     * @param runFolder the folder to check
     * @return {@code runFolder}
     * @throws InvalidFunctionConfigException naming {@code runFolder} unless it is absolute and one word
     *     (no whitespace, control characters or braces)
     */
    static Path checkRunFolder(Path runFolder) {
        Checks.absolutePath("runFolder", runFolder);
        Checks.token("runFolder", runFolder.toString());
        return runFolder;
    }

    /**
     * VPP with a startup configuration ({@value #STARTUP}) and a running configuration ({@value #RUNNING}) in
     * the run folder, run as {@code vpp -c RUN/vpp-startup.conf}; ready when the host VPP's version string
     * appears on the console ({@code show version} ends every running configuration).
     *
     * @param smp            the guest's vCPUs: core 0 runs VPP's main thread, the others a worker each; at least 1
     * @param queues         rx queues per NIC; at least 1
     * @param jumboFrames    whether frames larger than one buffer must pass
     * @param running        the CLI script VPP runs once up; must render (every parameter set)
     * @param hostVppVersion the readiness line: text of VPP's {@code show version} output; not blank
     * @param binary         VPP's absolute path in the guest
     * @param nics           the NICs, bound to vfio-pci and named in the {@code dpdk} stanza; at least one, no duplicates
     */
    record Vpp(int smp, int queues, boolean jumboFrames, VppRunningConfig running, String hostVppVersion, Path binary,
            List<PciAddress> nics) implements KernelVmFunction {

        /** The startup configuration's file name in the run folder. */
        public static final String STARTUP = "vpp-startup.conf";
        /** The running configuration's file name in the run folder. */
        public static final String RUNNING = "vpp-running.exec";
        /** Where VPP's packages install it (the guest runs the host's binaries). */
        public static final Path DEFAULT_BINARY = Path.of("/usr/bin/vpp");
        /** Where VPP puts its CLI and API sockets ({@link VppStartupConfig#DEFAULT_CLI_LISTEN}). */
        public static final Path RUNTIME_FOLDER = Path.of("/run/vpp");

        /**
         * Checks the components and renders {@code running} once, so that a bad configuration fails here.
         *
         * @param smp            the guest's vCPUs; at least 1
         * @param queues         rx queues per NIC; at least 1
         * @param jumboFrames    whether frames larger than one buffer must pass
         * @param running        the CLI script VPP runs once up; must render
         * @param hostVppVersion the readiness line's text; not blank
         * @param binary         VPP's absolute path in the guest
         * @param nics           the NICs; at least one, no duplicates
         * @throws InvalidFunctionConfigException naming the component at fault ({@code smp}, {@code queues},
         *     {@code hostVppVersion}, {@code binary}, {@code nics}, {@code dpdk.dev} for a duplicate NIC),
         *     or a {@link TemplateParameterException} for {@code running}
         * @throws NullPointerException if {@code running}, {@code hostVppVersion} or {@code nics} is null
         */
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

        /**
         * A copy run from another binary.
         *
         * @param vpp VPP's absolute path in the guest
         * @return the copy
         * @throws InvalidFunctionConfigException naming {@code binary} if not absolute
         */
        public Vpp withBinary(Path vpp) {
            return new Vpp(smp, queues, jumboFrames, running, hostVppVersion, vpp, nics);
        }

        /**
         * A copy on other NICs.
         *
         * @param addresses the NICs' guest PCI addresses; at least one, no duplicates
         * @return the copy
         * @throws InvalidFunctionConfigException naming {@code nics} if empty or {@code dpdk.dev} for a duplicate
         */
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

        /**
         * The startup configuration for this run folder ({@link VppStartupConfig#forKernelVm}).
         *
         * @param runFolder the VM's run folder, absolute; its {@value #RUNNING} is the {@code unix exec} script
         * @return the configuration, not yet rendered
         * @throws InvalidFunctionConfigException naming {@code runFolder} if not absolute or not one word
         */
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

    /**
     * DPDK testpmd; no config files; ready on "Press enter to exit", which it prints once forwarding.
     *
     * @param name        a short name for logs and console lines (1 to 64 of {@code A-Z a-z 0-9 . _ -})
     * @param commandLine testpmd's argv
     * @param nics        the NICs the init script binds, in order; no duplicates
     * @param binding     the driver they are bound to
     */
    record Testpmd(String name, TestpmdCommandLine commandLine, List<PciAddress> nics, NicBinding binding)
            implements KernelVmFunction {

        /** testpmd's line once ports are started and forwarding runs (non-interactive mode). */
        public static final String READY_LINE = "Press enter to exit";

        /**
         * Checks the components and copies {@code nics}.
         *
         * @param name        a short name for logs and console lines
         * @param commandLine testpmd's argv
         * @param nics        the NICs the init script binds, in order; no duplicates
         * @param binding     the driver they are bound to
         * @throws InvalidFunctionConfigException naming {@code functionName} for a bad name or {@code nics[i]}
         *     for a duplicate NIC
         * @throws NullPointerException if a component is null
         */
        public Testpmd {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(commandLine, "commandLine");
            nics = List.copyOf(nics);
            Objects.requireNonNull(binding, "binding");
            InitScript.builder().functionName(name).nics(nics); // same checks as the script will make
        }

        /**
         * testpmd with its NICs on vfio-pci, as the seed.
         *
         * @param name        a short name for logs and console lines
         * @param commandLine testpmd's argv
         * @param nics        the NICs the init script binds, in order; no duplicates
         * @throws InvalidFunctionConfigException as the canonical constructor
         */
        public Testpmd(String name, TestpmdCommandLine commandLine, List<PciAddress> nics) {
            this(name, commandLine, nics, NicBinding.vfioPci());
        }

        /**
         * A copy on other NICs (the command line is not changed).
         *
         * @param addresses the NICs' guest PCI addresses, in order; no duplicates
         * @return the copy
         * @throws InvalidFunctionConfigException naming {@code nics[i]} for a duplicate
         */
        public Testpmd withNics(List<PciAddress> addresses) {
            return new Testpmd(name, commandLine, addresses, binding);
        }

        /**
         * A copy with the NICs on another driver.
         *
         * @param nicBinding the driver, e.g. {@link NicBinding#uioPciGeneric} in a guest without vfio no-IOMMU mode
         * @return the copy
         * @throws NullPointerException if {@code nicBinding} is null
         */
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

    /**
     * A program of the caller's, run as given.
     *
     * @param name      a short name for logs and console lines (1 to 64 of {@code A-Z a-z 0-9 . _ -})
     * @param argv      the program (absolute path in the guest) and its arguments
     * @param nics      the NICs the init script hands to vfio-pci, in order; may be empty
     * @param readiness how the console tells that the program is up
     */
    record Command(String name, List<String> argv, List<PciAddress> nics, ReadinessRule readiness)
            implements KernelVmFunction {

        /**
         * Checks the components (as the init script will) and copies the lists.
         *
         * @param name      a short name for logs and console lines
         * @param argv      the program (absolute path in the guest) and its arguments; not empty
         * @param nics      the NICs the init script hands to vfio-pci; no duplicates
         * @param readiness how the console tells that the program is up
         * @throws InvalidFunctionConfigException naming {@code functionName}, {@code nics[i]},
         *     {@code command} or {@code command[i]}
         * @throws NullPointerException if a component is null
         */
        public Command {
            Objects.requireNonNull(name, "name");
            argv = List.copyOf(argv);
            nics = List.copyOf(nics);
            Objects.requireNonNull(readiness, "readiness");
            InitScript.builder().functionName(name).nics(nics).command(argv); // fail now, not at launch
        }

        /**
         * A copy with another name; a default readiness rule ({@link InitScript#startingLine}) follows the name,
         * a rule of the caller's is kept.
         *
         * @param newName 1 to 64 of {@code A-Z a-z 0-9 . _ -}
         * @return the copy
         * @throws InvalidFunctionConfigException naming {@code functionName} for a bad name
         */
        public Command withName(String newName) {
            ReadinessRule defaultRule = ReadinessRule.lineContaining(InitScript.startingLine(name));
            ReadinessRule rule = readiness.equals(defaultRule)
                    ? ReadinessRule.lineContaining(InitScript.startingLine(newName)) : readiness;
            return new Command(newName, argv, nics, rule);
        }

        /**
         * A copy whose init script hands these NICs to vfio-pci.
         *
         * @param addresses the NICs' guest PCI addresses, in order; no duplicates
         * @return the copy
         * @throws InvalidFunctionConfigException naming {@code nics[i]} for a duplicate
         */
        public Command withNics(List<PciAddress> addresses) {
            return new Command(name, argv, addresses, readiness);
        }

        /**
         * A copy with another readiness rule, e.g. a line the program prints once it is up.
         *
         * @param rule how the console tells that the program is up (or failed)
         * @return the copy
         * @throws NullPointerException if {@code rule} is null
         */
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
