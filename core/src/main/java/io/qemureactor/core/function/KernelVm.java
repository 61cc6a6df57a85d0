package io.qemureactor.core.function;

import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.PosixModes;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.launch.RunFolderPreparer;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.ConsoleSpec;
import io.qemureactor.core.spec.HugepageSize;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Boots a kernel VM that runs one network function (the seed's kernel VM): the kernel and initrd of a
 * base spec, the host's {@code /} as a read-only 9p root, the function's generated init script as init,
 * and a serial-console probe with the function's {@link KernelVmFunction#readiness() readiness rule}.
 *
 * <pre>{@code
 * Mono<RunningVm> vm = KernelVm.of(KernelVmFunction.command("/usr/bin/my-nf", "--flag")
 *                 .withReadiness(ReadinessRule.lineContaining("my-nf: forwarding")))
 *         .start(launcher, host, kit.spec(1, GuestKit.Flavour.KERNEL));
 * }</pre>
 *
 * <p>What {@link #start} does, in order:
 * <ol>
 *   <li>checks everything it can without a host: the base spec (its boot source must be a kernel boot),
 *       huge pages against guest memory, the serial console (a socket, which the probe reads), and the
 *       function's files and init script, rendered for a stand-in run folder under the launcher's run base.
 *       A bad configuration (a missing template parameter, say) fails here, with nothing launched;
 *   <li>launches through {@link QemuLauncher#start(Host, VmSpec, BootProbe, RunFolderPreparer)}: once the
 *       run folder exists, writes {@link KernelVmFunction#files(Path, String)} into it through the
 *       {@link Host} (mode from each {@link GeneratedFile}) and boots with
 *       {@code init=RUN/init.sh}. The files go with the run folder: on shutdown, kill, or a failed launch;
 *   <li>is ready when the console passes the rule, and fails at once when the function exits (the init
 *       script powers off: the kernel's {@code reboot: Power down} line, QEMU's {@code SHUTDOWN} event or
 *       its exit, whichever the launcher sees first); the {@code VmLaunchException}'s
 *       {@code consoleTail()} holds the function's last lines.
 * </ol>
 *
 * <p>The base spec's 9p root, if any, is replaced by the host's {@code /} (the run folder must have the
 * same path inside the guest), and its guest-agent channels are dropped (the init script runs no agent;
 * without a channel {@link RunningVm#shutdown()} goes straight to the ACPI button, which the init script
 * ignores: stop such a VM with {@code shutdown(ShutdownPolicy.withoutGuest())} or {@code kill()}).
 * The kernel arguments of the base spec are kept, followed by {@code hugepages=N} when N > 0, followed by
 * {@link #withKernelArgs extra ones}.
 *
 * @param function     what the VM runs
 * @param hugepages    2 MiB huge pages the guest kernel reserves at boot ({@code hugepages=N}); 0: none
 * @param kernelArgs   more kernel parameters (e.g. the seed's {@code tsc=reliable fastboot}); may be empty
 * @param probeTimeout how long the function may take to be ready
 */
public record KernelVm(KernelVmFunction function, int hugepages, String kernelArgs, Duration probeTimeout) {

    /** What the seed reserved for VPP and testpmd ({@code hugepages=256}: 512 MiB of 2 MiB pages). */
    public static final int SEED_HUGEPAGES = 256;
    /** Guest memory left for the kernel and the function's ordinary pages, beside the huge pages. */
    public static final int MIN_FREE_MEMORY_MIB = 128;

    /**
     * Checks the components; a null {@code kernelArgs} becomes empty, others are stripped.
     *
     * @param function     what the VM runs
     * @param hugepages    2 MiB huge pages the guest kernel reserves at boot; 0 for none, not negative
     * @param kernelArgs   more kernel parameters, one line; null or blank for none
     * @param probeTimeout how long the function may take to be ready; positive
     * @throws InvalidFunctionConfigException naming {@code hugepages} if negative, {@code kernelArgs} if it
     *     contains a line break or NUL, or {@code probeTimeout} if not positive
     * @throws NullPointerException if {@code function} or {@code probeTimeout} is null
     */
    public KernelVm {
        Objects.requireNonNull(function, "function");
        if (hugepages < 0) {
            throw new InvalidFunctionConfigException("hugepages", hugepages + " must not be negative");
        }
        kernelArgs = kernelArgs == null ? "" : kernelArgs.strip();
        if (kernelArgs.contains("\n") || kernelArgs.contains("\r") || kernelArgs.contains("\0")) {
            throw new InvalidFunctionConfigException("kernelArgs", "must be one line (no newline or NUL)");
        }
        Objects.requireNonNull(probeTimeout, "probeTimeout");
        if (probeTimeout.isNegative() || probeTimeout.isZero()) {
            throw new InvalidFunctionConfigException("probeTimeout", probeTimeout + " must be positive");
        }
    }

    /**
     * A kernel VM for {@code function} with its defaults: the seed's {@value #SEED_HUGEPAGES} huge pages for
     * VPP and testpmd (DPDK needs them; the guest then needs at least 640 MiB), none for a command of the
     * caller's; no extra kernel arguments; the serial probe's default timeout
     * ({@link BootProbe#DEFAULT_TIMEOUT}).
     *
     * @param function what the VM runs
     * @return the kernel VM, not started
     * @throws NullPointerException if {@code function} is null
     */
    public static KernelVm of(KernelVmFunction function) {
        int pages = function instanceof KernelVmFunction.Command ? 0 : SEED_HUGEPAGES;
        return new KernelVm(function, pages, "", BootProbe.DEFAULT_TIMEOUT);
    }

    /**
     * Boots {@code function} with {@link #of}'s defaults: see {@link #start(QemuLauncher, Host, VmSpec.Builder)}.
     *
     * @param launcher launches QEMU and owns the run folder
     * @param host     where QEMU runs and the files are written
     * @param base     the VM with a kernel boot source, e.g. {@code kit.spec(id, GuestKit.Flavour.KERNEL)}
     * @param function what the VM runs
     * @return a cold Mono: nothing is checked or launched until subscribed; emits the VM once the function is ready
     */
    public static Mono<RunningVm> start(QemuLauncher launcher, Host host, VmSpec.Builder base, KernelVmFunction function) {
        return of(function).start(launcher, host, base);
    }

    /**
     * A copy with another number of huge pages.
     *
     * @param pages 2 MiB pages the guest kernel reserves at boot; 0 for none
     * @return the copy
     * @throws InvalidFunctionConfigException naming {@code hugepages} if negative (guest memory is checked
     *     when starting)
     */
    public KernelVm withHugepages(int pages) {
        return new KernelVm(function, pages, kernelArgs, probeTimeout);
    }

    /**
     * A copy with other extra kernel parameters (replacing, not adding to, earlier extra ones).
     *
     * @param args space-separated parameters appended after the base spec's and {@code hugepages=N};
     *     null or blank for none
     * @return the copy
     * @throws InvalidFunctionConfigException naming {@code kernelArgs} if it contains a line break or NUL
     */
    public KernelVm withKernelArgs(String args) {
        return new KernelVm(function, hugepages, args, probeTimeout);
    }

    /**
     * A copy with another readiness timeout.
     *
     * @param timeout how long the function may take from launch to its readiness line; positive
     * @return the copy
     * @throws InvalidFunctionConfigException naming {@code probeTimeout} if zero or negative
     */
    public KernelVm withProbeTimeout(Duration timeout) {
        return new KernelVm(function, hugepages, kernelArgs, timeout);
    }

    /**
     * The boot probe {@link #start} and {@link #member} use.
     *
     * @return a serial-console probe with the function's readiness rule, bounded by {@link #probeTimeout}
     */
    public BootProbe probe() {
        return BootProbe.serial(function.readiness()).withTimeout(probeTimeout);
    }

    /**
     * Starts the VM and completes when the function is ready. Fails before anything is launched (no run
     * folder, no QEMU) with an {@link InvalidFunctionConfigException} naming the parameter, or the spec's
     * {@code InvalidVmSpecException}, when the configuration cannot work; later failures are the launcher's
     * {@code VmLaunchException}.
     *
     * <p>Cold: nothing is checked, written or launched until subscribed; each subscription launches a
     * new VM, which the subscriber then owns (stop it with {@code shutdown(ShutdownPolicy.withoutGuest())}
     * or {@code kill()}).
     *
     * @param launcher launches QEMU and owns the run folder
     * @param host     where QEMU runs and the function's files are written
     * @param base the VM without its boot details settled: a kernel boot source (kernel, initrd, kernel
     *     arguments), e.g. {@code kit.spec(id, GuestKit.Flavour.KERNEL)}; the rest (memory, vCPUs, NICs) is kept
     * @return a Mono that emits the running VM once the console passed the function's readiness rule
     * @throws NullPointerException at once if an argument is null
     */
    public Mono<RunningVm> start(QemuLauncher launcher, Host host, VmSpec.Builder base) {
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(base, "base");
        return Mono.defer(() -> {
            VmSpec spec = launchSpec(base.build(), launcher.options().runBase());
            return launcher.start(host, spec, probe(), this::prepare);
        });
    }

    /**
     * This kernel VM as a member of a {@link io.qemureactor.core.fleet.Fleet} booted with {@code launcher}:
     * the spec {@link #start} would launch, its probe, and a run folder preparer that writes the function's
     * files into each VM's own run folder, on whichever host the fleet places it. Checks what {@link #start}
     * checks, now: a bad configuration fails here, before any fleet exists.
     *
     * <pre>{@code
     * List<FleetMember> members = IntStream.rangeClosed(1, 4)
     *         .mapToObj(id -> kernelVm.member(launcher, kit.spec(id, GuestKit.Flavour.KERNEL)).pinning(1))
     *         .toList();
     * Fleet fleet = Fleet.boot(launcher, members, FleetOptions.defaults());
     * }</pre>
     *
     * @param launcher the launcher the fleet will boot with (its run base is used for the checks)
     * @param base     the VM with a kernel boot source, as for {@link #start}
     * @return the member; launches nothing itself
     * @throws InvalidFunctionConfigException naming the parameter, or the spec's {@code InvalidVmSpecException},
     *     when the configuration cannot work
     */
    public FleetMember member(QemuLauncher launcher, VmSpec.Builder base) {
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(base, "base");
        VmSpec spec = launchSpec(base.build(), launcher.options().runBase());
        return FleetMember.of(spec, probe()).preparedBy(this::prepare);
    }

    /**
     * The spec handed to the launcher: {@code base} with the kernel arguments and without a 9p root or a
     * guest agent; the 9p root (which names the run folder) is added once the folder exists. Checks the
     * function's files against a stand-in run folder under {@code runBase}, so that every error the
     * generation can raise is raised now.
     */
    VmSpec launchSpec(VmSpec base, String runBase) {
        if (!(base.bootSource() instanceof BootSource.KernelBoot kernel)) {
            throw new InvalidFunctionConfigException("bootSource", "a kernel VM boots a kernel (kernel + initrd), not a "
                    + base.bootSource().getClass().getSimpleName());
        }
        if (!(base.serialConsole() instanceof ConsoleSpec.UnixSocket)) {
            throw new InvalidFunctionConfigException("serialConsole", "the readiness probe reads the console: "
                    + "it must be ConsoleSpec.unixSocket(), not " + base.serialConsole().getClass().getSimpleName());
        }
        long hugeMib = (long) hugepages * HugepageSize.SIZE_2M.mib();
        if (hugepages > 0 && hugeMib + MIN_FREE_MEMORY_MIB > base.memoryMib()) {
            throw new InvalidFunctionConfigException("hugepages", hugepages + " x 2 MiB = " + hugeMib + " MiB does not fit in "
                    + base.memoryMib() + " MiB of guest memory (" + MIN_FREE_MEMORY_MIB + " MiB must stay free): "
                    + "raise memoryMib to " + (hugeMib + MIN_FREE_MEMORY_MIB) + " or use withHugepages(n)");
        }
        Path standIn = Path.of(runBase, base.name() + "-000000");
        function.files(standIn, base.arch().consoleDevice()); // templates, init script, run folder path
        VmSpec spec = base.toBuilder()
                .bootSource(new BootSource.KernelBoot(kernel.kernel(), kernel.initrd(), append(kernel.append()), Optional.empty()))
                .noGuestAgent()
                .build();
        withNinePRoot(spec, standIn); // the complete spec is valid too (init path, slot plan)
        return spec;
    }

    /** The kernel command line's caller part: the base's arguments, {@code hugepages=N}, the extra ones. */
    private String append(String baseArgs) {
        StringBuilder b = new StringBuilder(baseArgs);
        if (hugepages > 0) {
            b.append(b.length() > 0 ? " " : "").append("hugepages=").append(hugepages);
        }
        if (!kernelArgs.isEmpty()) {
            b.append(b.length() > 0 ? " " : "").append(kernelArgs);
        }
        return b.toString();
    }

    /** The launcher's preparer: writes the function's files into the run folder, boots its init script. */
    private Mono<VmSpec> prepare(Host host, String runFolder, VmSpec spec) {
        Path run = Path.of(runFolder);
        List<GeneratedFile> files = function.files(run, spec.arch().consoleDevice());
        return writeFiles(host, run, files).then(Mono.fromSupplier(() -> withNinePRoot(spec, run)));
    }

    /**
     * Writes generated files under {@code folder} on {@code host}, one after the other, each with its mode;
     * a file in a sub-folder first creates that sub-folder, private to the user (mode 0700).
     *
     * @param host   where to write (local or SSH)
     * @param folder the folder the files' relative paths are resolved against, e.g. a run folder
     * @param files  the files, written in list order (an existing file is replaced)
     * @return a cold Mono that writes when subscribed and completes after the last file, or fails with the
     *     host's error for the first file that cannot be written (earlier files stay)
     */
    public static Mono<Void> writeFiles(Host host, Path folder, List<GeneratedFile> files) {
        return Flux.fromIterable(files).concatMap(f -> write(host, folder, f)).then();
    }

    private static Mono<Void> write(Host host, Path run, GeneratedFile file) {
        Path target = file.in(run);
        Mono<Void> parent = file.relativePath().getParent() == null ? Mono.empty()
                : host.createPrivateFolder(target.getParent().toString());
        return parent.then(host.writeFile(target.toString(), file.content().getBytes(StandardCharsets.UTF_8),
                PosixModes.toPermissions(file.mode())));
    }

    private VmSpec withNinePRoot(VmSpec spec, Path run) {
        BootSource.KernelBoot kernel = (BootSource.KernelBoot) spec.bootSource();
        return spec.toBuilder()
                .bootSource(kernel.withNinePRoot(BootSource.NinePRoot.hostRoot(function.initScript(run))))
                .build();
    }
}
