package io.qemureactor.core.launch;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.StreamOpener;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Starts VMs: {@code spec -> command line -> host -> QEMU (paused) -> QMP, console -> cont ->
 * boot probe -> RunningVm}, each step a Mono.
 *
 * <p>QEMU starts paused ({@code -S}) so that the serial console and the guest agent are
 * connected before the guest prints its first byte: a socket chardev with {@code wait=off}
 * drops what the guest writes while nobody is connected. If any step fails, or the subscriber
 * cancels, the process is killed by its pid and the run folder removed; the error says why,
 * with QEMU's exit status and the tails of its output and console.
 */
public final class QemuLauncher {

    private final LaunchOptions options;
    private final KvmProbe kvm;
    private final Prerequisites prerequisites = new Prerequisites();
    private final PendingCleanups cleanups = new PendingCleanups();

    /**
     * A launcher with {@code options} and a default {@link KvmProbe} (5 s bound). Thread-safe; share one per JVM or fleet.
     *
     * @param options how to launch
     */
    public QemuLauncher(LaunchOptions options) {
        this(options, new KvmProbe());
    }

    /**
     * A launcher with {@code options} and the given KVM probe (whose verdicts it caches).
     *
     * @param options how to launch
     * @param kvm the probe deciding whether {@code auto} gets KVM
     */
    public QemuLauncher(LaunchOptions options, KvmProbe kvm) {
        this.options = Objects.requireNonNull(options, "options");
        this.kvm = Objects.requireNonNull(kvm, "kvm");
    }

    /**
     * A launcher with {@link LaunchOptions#defaults()}.
     *
     * @return a new launcher
     */
    public static QemuLauncher withDefaults() {
        return new QemuLauncher(LaunchOptions.defaults());
    }

    /**
     * The options this launcher was made with.
     *
     * @return the options
     */
    public LaunchOptions options() {
        return options;
    }

    /**
     * Starts {@code spec} on {@code host} and completes when {@code probe} says it is ready.
     *
     * @param host where QEMU runs
     * @param spec the VM to start
     * @param probe decides when the guest is ready
     * @return a cold Mono of the running VM, which the caller must shut down; fails with {@link LaunchPrerequisiteException} before anything is created on the host, with {@link VmLaunchException} when QEMU, its sessions or the probe fail (the VM is then killed and its run folder removed). Each subscription launches a VM of its own.
     */
    public Mono<RunningVm> start(Host host, VmSpec spec, BootProbe probe) {
        return start(host, spec, probe, RunFolderPreparer.none());
    }

    /**
     * Starts a VM whose run folder needs files before QEMU starts: as {@link #start(Host, VmSpec, BootProbe)},
     * but once the run folder exists {@code preparer} writes into it and returns the spec to launch (see
     * {@link RunFolderPreparer}). The checks before launch run on {@code spec}; the command line is rendered
     * from {@code spec} first (so a bad spec fails before anything is created) and again from the prepared spec.
     *
     * @param host where QEMU runs
     * @param spec the VM to start, checked and rendered before the preparer runs
     * @param probe decides when the guest is ready
     * @param preparer writes into the run folder and returns the spec to launch
     * @return a cold Mono of the running VM, failing as {@link #start(Host, VmSpec, BootProbe)}; a preparer that returns no spec or renames the VM fails it with {@link IllegalStateException}
     */
    public Mono<RunningVm> start(Host host, VmSpec spec, BootProbe probe, RunFolderPreparer preparer) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(preparer, "preparer");
        return launch(host, spec, probe, preparer, null);
    }

    private Mono<RunningVm> launch(Host host, VmSpec spec, BootProbe probe, RunFolderPreparer preparer,
                                   IncomingState incoming) {
        String program = options.qemuBinary().orElse(spec.arch().qemuBinary());
        return Mono.defer(() -> {
            // named per subscription: a retry or a second subscriber is a launch of its own, in a folder of its own
            String runFolder = options.runBase() + "/" + spec.name() + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
            long started = System.nanoTime();
            // cheap, local checks first: nothing on the host has been touched if they fail
            return prerequisites.check(host, spec, program)
                    .then(ensureRunBase(host))
                    .then(resolveAccelerator(host, spec, program))
                    .flatMap(accel -> {
                        QemuCommandLine cmd = render(spec, accel, runFolder, program);
                        Mono<QemuCommandLine> prepared = preparer == RunFolderPreparer.none() ? Mono.just(cmd)
                                : prepare(host, spec, runFolder, preparer, cmd, accel, program);
                        return new LaunchAttempt(host, cmd, prepared, runFolder, probe, options, started, cleanups,
                                incoming).run();
                    });
        });
    }

    /**
     * Boots a VM, hands it to {@code body}, and stops it whatever the body does: completes, fails or
     * is cancelled. The result ends only once the VM is gone (QEMU reaped, run folder removed), with
     * the body's value or error; a failure to stop is added to the body's error as suppressed. This
     * is the short way to the right thing: a failing step can no longer skip the shutdown.
     *
     * <p>Put a time limit inside the body ({@code vm -> test(vm).timeout(d)}): it then fails the body
     * and the stop is awaited. A cancel from outside (a {@code timeout} around this Mono, a disposed
     * subscription) still stops the VM, but nobody is listening any more; {@link #settled()} awaits it.
     *
     * <pre>{@code
     * launcher.using(LocalHost.instance(), spec, kit.readyProbe(),
     *         vm -> vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r")))
     * }</pre>
     *
     * @param <T> the body's result type
     * @param host where QEMU runs
     * @param spec the VM to start
     * @param probe decides when the guest is ready
     * @param body what to do with the running VM; its Mono is subscribed once
     * @return a cold Mono of the body's value or error, ending after the VM is stopped; launch failures as {@link #start(Host, VmSpec, BootProbe)}
     */
    public <T> Mono<T> using(Host host, VmSpec spec, BootProbe probe,
                             Function<? super RunningVm, ? extends Mono<T>> body) {
        Objects.requireNonNull(body, "body");
        return Mono.usingWhen(start(host, spec, probe),
                vm -> Mono.defer(() -> body.apply(vm)),
                RunningVm::shutdown,
                (vm, error) -> vm.shutdown(),
                vm -> cleanups.runAlsoIn(vm.host().cleanups(), vm.shutdown(), vm.name()));
    }

    /**
     * Starts {@code spec} on {@code host} from a saved state instead of a boot: QEMU starts paused with the
     * state's arguments, {@code incoming} loads the state through QMP, then the guest is resumed and
     * {@code probe} decides when it is ready. Same checks, run folder, reaper registration, cleanup on
     * failure or cancel, and {@link RunningVm} as {@link #start(Host, VmSpec, BootProbe)}.
     *
     * @param host where QEMU runs
     * @param spec the VM to start
     * @param probe decides when the restored guest is ready
     * @param incoming the saved state and how to load it
     * @return a cold Mono of the running VM, failing as {@link #start(Host, VmSpec, BootProbe)} (a failed load is a {@link VmLaunchException})
     */
    public Mono<RunningVm> restore(Host host, VmSpec spec, BootProbe probe, IncomingState incoming) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(incoming, "incoming");
        return launch(host, spec, probe, RunFolderPreparer.none(), incoming);
    }

    /**
     * Completes when every launch of this launcher that failed or was cancelled before this subscription has
     * finished cleaning up, and every VM of a cancelled {@link #using} has stopped: its QEMU gone (reaped, not
     * just signalled) and its run folder removed. A cancel cannot be awaited through the cancelled Mono itself;
     * this is how whoever cancelled awaits its end (a fleet's {@code disposeLater()}, a CLI's teardown).
     *
     * @return a cold Mono that completes once those cleanups have ended; never fails
     */
    public Mono<Void> settled() {
        return cleanups.settled();
    }

    /** The preparer's step (run by the attempt after it created the run folder): its spec, rendered. */
    private static Mono<QemuCommandLine> prepare(Host host, VmSpec spec, String runFolder, RunFolderPreparer preparer,
                                                 QemuCommandLine cmd, Accelerator accel, String program) {
        return Mono.defer(() -> preparer.prepare(host, runFolder, spec))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException(spec.name()
                        + ": the run folder preparer returned no spec")))
                .map(prepared -> {
                    if (!prepared.name().equals(spec.name())) {
                        throw new IllegalStateException(spec.name() + ": the run folder preparer renamed the VM to "
                                + prepared.name() + "; it must keep the name");
                    }
                    return prepared.equals(spec) ? cmd : render(prepared, accel, runFolder, program);
                });
    }

    /**
     * Which accelerator {@code spec} gets on {@code host}: AUTO becomes KVM only where KVM really runs a guest.
     *
     * @param host the host to run on
     * @param spec the VM whose {@code accelerator} (and CPU model) decides
     * @param program the QEMU binary the probe runs
     * @return a cold Mono of {@link Accelerator#KVM} or {@link Accelerator#TCG}; the KVM probe runs once per host, binary and CPU model and is cached. Fails with {@link LaunchPrerequisiteException} when KVM was asked for explicitly and is not usable.
     */
    public Mono<Accelerator> resolveAccelerator(Host host, VmSpec spec, String program) {
        if (spec.accelerator() == Accelerator.TCG) {
            return Mono.just(Accelerator.TCG);
        }
        String cpu = spec.cpuModel().orElse(Accelerator.KVM.defaultCpuModel());
        return ensureRunBase(host).then(kvm.verdict(host, program, cpu, options.runBase())).flatMap(verdict -> {
            if (verdict.usable()) {
                return Mono.just(Accelerator.KVM);
            }
            if (spec.accelerator() == Accelerator.KVM) {
                return Mono.error(new LaunchPrerequisiteException(spec.name() + ": accelerator KVM was asked for, but "
                        + verdict.reason() + " on " + host.name() + "; use accelerator tcg or auto"));
            }
            return Mono.just(Accelerator.TCG);
        });
    }

    private Mono<Void> ensureRunBase(Host host) {
        return prerequisites.runBase(host, options.runBase());
    }

    private static QemuCommandLine render(VmSpec spec, Accelerator accel, String runFolder, String program) {
        return QemuCommandLine.render(spec, accel, RunLayout.in(Path.of(runFolder)), program).checkUnixSocketPaths();
    }

    /** The protocol clients' address for what a host made reachable: a local unix socket or a forwarded port. */
    static PeerAddress peer(SocketAddress address) {
        if (address instanceof StreamOpener stream) {
            // e.g. an SshUnixSocket: the clients run on an SSH channel to the socket, no local port in between
            return PeerAddress.stream(address.toString(), stream);
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return PeerAddress.unix(unix.getPath());
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        return PeerAddress.tcp(inet.getHostString(), inet.getPort());
    }
}
