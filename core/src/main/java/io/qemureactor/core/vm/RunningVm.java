package io.qemureactor.core.vm;

import io.qemureactor.console.SerialConsole;
import io.qemureactor.core.QemuVersion;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.Reaper;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.NicAssignment;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qga.ShutdownMode;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A booted VM: its QEMU process (exact pid), QMP session, guest agent, serial console and run
 * folder, and what a harness does with it — find and pin vCPU threads, make them real-time
 * (done by its {@code VcpuTuning}), map guest NICs, shut it down. Made by {@code QemuLauncher}; every
 * method is a cold Mono.
 *
 * <p>{@link #shutdown()} and {@link #kill()} release everything the VM holds: the sessions, the
 * process and the run folder, and complete only once the process is gone (reaped, its {@code /proc}
 * entry removed) and the folder deleted. Either may be called more than once. Until then the host's
 * {@code Reaper} knows the VM, so that it is stopped even if this JVM dies; {@link #detach()} lets
 * it outlive the JVM on purpose.
 */
public final class RunningVm {

    private static final Logger log = LoggerFactory.getLogger(RunningVm.class);

    private final VmParts parts;
    private final Mono<QgaClient> agent;
    private final VcpuTuning vcpus;
    private final AtomicBoolean released = new AtomicBoolean();
    private final Mono<Void> release;

    /**
     * Wraps the parts of a booted VM; {@code QemuLauncher} does this, a harness rarely needs to.
     *
     * @param parts the process, sessions and run folder of the VM
     */
    public RunningVm(VmParts parts) {
        this.parts = parts;
        this.agent = parts.agent().orElseGet(() -> Mono.error(new IllegalStateException(
                name() + " has no guest agent channel (spec: qgaIsaSerial or qgaVirtioSerial)")));
        this.release = Mono.defer(this::releaseOnce).cache();
        this.vcpus = new VcpuTuning(this);
    }

    /**
     * The spec the VM was launched from.
     *
     * @return the spec
     */
    public VmSpec spec() {
        return parts.commandLine().spec();
    }

    /**
     * The VM's name (its spec's), which also names its run folder.
     *
     * @return the name
     */
    public String name() {
        return spec().name();
    }

    /**
     * The host QEMU runs on.
     *
     * @return the host
     */
    public Host host() {
        return parts.process().host();
    }

    /**
     * QEMU's process id on its host.
     *
     * @return the pid
     */
    public long pid() {
        return parts.process().pid();
    }

    /**
     * The VM's run folder on its host (sockets, logs); deleted by {@link #shutdown()} and {@link #kill()}.
     *
     * @return the folder's path on the host
     */
    public String runFolder() {
        return parts.runFolder();
    }

    /**
     * The accelerator QEMU runs with (AUTO resolved).
     *
     * @return the accelerator
     */
    public Accelerator accelerator() {
        return parts.commandLine().accelerator();
    }

    /**
     * The argv QEMU was started with.
     *
     * @return the command line, program first
     */
    public List<String> argv() {
        return parts.commandLine().argv();
    }

    /**
     * From the launch to the boot probe's "ready".
     *
     * @return the boot time
     */
    public Duration bootTime() {
        return parts.bootTime();
    }

    /**
     * The VM's QMP session, connected during the launch.
     *
     * @return the QMP client
     */
    public QmpClient qmp() {
        return parts.qmp();
    }

    /**
     * The version of the QEMU running this VM, from its QMP greeting (no extra command).
     *
     * @return the version
     */
    public QemuVersion qemuVersion() {
        var v = qmp().version();
        return new QemuVersion(v.major(), v.minor(), v.micro(), v.pkg());
    }

    /**
     * The guest agent, connected on first use and shared afterwards.
     *
     * @return a Mono of the agent client; fails with {@link IllegalStateException} when the spec has
     *         no guest agent channel
     */
    public Mono<QgaClient> qga() {
        return agent;
    }

    /**
     * The serial console, when it is a socket.
     *
     * @return the console, or empty
     */
    public Optional<SerialConsole> console() {
        return parts.console();
    }

    /**
     * Serial console lines (recent history, then live); empty when the console is not a socket.
     *
     * @return the console's lines
     */
    public Flux<String> serial() {
        return parts.console().map(SerialConsole::lines).orElseGet(Flux::empty);
    }

    /**
     * Completes with QEMU's exit status when it exits.
     *
     * @return a Mono of the exit status
     */
    public Mono<Integer> onExit() {
        return parts.process().onExit();
    }

    /**
     * The vCPU threads, from QMP {@code query-cpus-fast}; when QMP cannot tell, from
     * {@code /proc/PID/task/*}{@code /comm} names containing "CPU" (QEMU names them
     * {@code CPU n/KVM} with {@code debug-threads=on}).
     *
     * @return each vCPU's index and host thread id
     */
    public Mono<List<VcpuThread>> vcpuThreads() {
        return vcpus.threads();
    }

    /**
     * Pins vCPU {@code i} to {@code hostCpus[i % n]}, with the seed's retry policy; see
     * {@link #pin(PinningPolicy, int...)}.
     *
     * @param hostCpus host CPUs, at least one
     * @return each vCPU with the affinity the kernel reports after pinning
     */
    public Mono<List<PinnedVcpu>> pin(int... hostCpus) {
        return vcpus.pin(PinningPolicy.seedDefault(), hostCpus);
    }

    /**
     * Pins each vCPU thread to one host CPU ({@code taskset}) and reads the affinity back from
     * {@code /proc/PID/task/TID/status}: the result is what the kernel reports, checked to be
     * exactly the CPU asked for. CPUs the host does not have online fail first, with one line
     * that names them and the host's CPUs. Retried with backoff while QEMU has fewer vCPU threads
     * than the spec asks for, as the seed did (3 tries) — but without its fixed sleeps.
     *
     * @param policy   how often to look for the vCPU threads
     * @param hostCpus host CPUs, at least one: vCPU {@code i} goes to {@code hostCpus[i % n]}
     * @return each vCPU with the affinity the kernel reports after pinning
     */
    public Mono<List<PinnedVcpu>> pin(PinningPolicy policy, int... hostCpus) {
        return vcpus.pin(policy, hostCpus);
    }

    /**
     * Gives every vCPU thread SCHED_RR priority 1 (the seed's {@code chrt -r -p 1}) and reads the
     * policy back with {@code chrt -p}.
     *
     * @return completes when every vCPU thread was checked to be SCHED_RR priority 1
     */
    public Mono<Void> setRealtime() {
        return vcpus.setRealtime();
    }

    /**
     * The spec's NICs as the guest names them, matched by MAC through the guest agent. Guest NICs
     * whose MAC is not in the spec are left out.
     *
     * @return a cold Mono of the matched NICs; fails when the VM has no agent or the agent fails
     */
    public Mono<List<GuestNic>> guestInterfaces() {
        Map<String, NicAssignment> ours = spec().nics().stream()
                .collect(Collectors.toMap(n -> n.mac().toString().toLowerCase(Locale.ROOT), Function.identity(), (a, b) -> a));
        return qga().flatMap(QgaClient::networkInterfaces).map(ifaces -> ifaces.stream()
                .filter(i -> i.macAddress() != null && ours.containsKey(i.macAddress().toLowerCase(Locale.ROOT)))
                .map(i -> {
                    NicAssignment nic = ours.get(i.macAddress().toLowerCase(Locale.ROOT));
                    List<String> addresses = i.ipAddresses().stream().map(a -> a.address() + "/" + a.prefix()).toList();
                    return new GuestNic(nic.netdevId(), nic.mac().toString(), i.name(), addresses);
                })
                .toList());
    }

    /**
     * {@link #shutdown(ShutdownPolicy)} with the default bounds ({@link ShutdownPolicy#defaults()}).
     *
     * @return a cold Mono that completes when QEMU is gone and the run folder deleted
     */
    public Mono<Void> shutdown() {
        return shutdown(ShutdownPolicy.defaults());
    }

    /**
     * Stops the VM politely, then less so: the guest powers off (through its agent when it has
     * one, else the ACPI power button), then QMP {@code quit}, then SIGTERM, then SIGKILL; each
     * step bounded by the policy and skipped once QEMU has exited. Then releases the sessions
     * and the run folder. Completes when QEMU is gone.
     *
     * @param policy how long each rung may take
     * @return a cold Mono that completes when QEMU is gone and the run folder deleted
     */
    public Mono<Void> shutdown(ShutdownPolicy policy) {
        Mono<Void> exited = onExit().then();
        Mono<Void> askGuest = parts.agent().isPresent()
                ? qga().flatMap(a -> a.shutdown(ShutdownMode.POWERDOWN)).timeout(policy.graceful())
                        .onErrorResume(e -> qmp().execute(QmpCommands.systemPowerdown()))
                : qmp().execute(QmpCommands.systemPowerdown());
        Mono<Void> ladder = removeFolderOnExit()
                .then(step(policy.graceful(), askGuest, exited, "guest power-off"))
                .then(step(policy.quit(), qmp().execute(QmpCommands.quit()), exited, "quit"))
                .then(step(policy.term(), parts.process().terminate(), exited, "SIGTERM"))
                .then(Mono.defer(() -> parts.process().isAlive() ? parts.process().kill().then(exited) : Mono.empty()));
        return ladder.then(release);
    }

    /** One rung: skipped when QEMU already exited; otherwise do it and wait for the exit, at most {@code bound}. */
    private Mono<Void> step(Duration bound, Mono<?> action, Mono<Void> exited, String what) {
        return Mono.defer(() -> {
            if (!parts.process().isAlive() || bound.isZero()) {
                return Mono.empty();
            }
            return action.onErrorResume(e -> {
                        log.debug("{}: {} failed: {}", name(), what, e.toString());
                        return Mono.empty();
                    })
                    .then(exited)
                    .timeout(bound, Mono.fromRunnable(() -> log.debug("{}: still running after {} + {}", name(), what, bound)));
        });
    }

    /**
     * From now on the VM outlives this JVM (the CLI's {@code --keep}): the host's reaper forgets it, and this
     * JVM's sessions to it (QMP, console, agent) are closed, because each of those sockets serves one client
     * at a time and the user's tools are next. The process and the run folder stay, and a later
     * {@link #shutdown()} or {@link #kill()} leaves the folder.
     *
     * @return a cold Mono that completes when the sessions are closed; idempotent
     */
    public Mono<Void> detach() {
        return Mono.defer(() -> {
            if (!released.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return parts.reaped().map(Reaper.Entry::forget).orElse(Mono.empty()).then(closeSessions());
        });
    }

    /**
     * SIGKILL now, then release the sessions and the run folder.
     *
     * @return a cold Mono that completes when QEMU is gone and the run folder deleted; fails with a
     *         {@link java.util.concurrent.TimeoutException} if QEMU has not exited 30 s after the signal
     */
    public Mono<Void> kill() {
        return removeFolderOnExit().then(parts.process().kill())
                .then(onExit().timeout(Duration.ofSeconds(30)).then()).then(release);
    }

    /**
     * Asks the host to remove the run folder with QEMU's exit (see {@link HostProcess#removeOnExit}):
     * over SSH that saves the stop a second round trip through the remote shell. Not after
     * {@link #detach()}, whose VM keeps its folder; a failure only means {@link #releaseOnce()} removes it.
     */
    private Mono<Void> removeFolderOnExit() {
        return Mono.defer(() -> released.get() ? Mono.<Void>empty()
                : parts.process().removeOnExit(runFolder()).onErrorResume(e -> {
                    log.debug("{}: cannot have the run folder removed with the exit: {}", name(), e.toString());
                    return Mono.just(false);
                }).then());
    }

    private Mono<Void> releaseOnce() {
        if (!released.compareAndSet(false, true)) {
            return Mono.empty();
        }
        // the process is gone by now: once its folder is too, the reaper has nothing left to do for it
        Mono<Void> removeFolder = Mono.defer(() -> parts.process().removedOnExit() ? Mono.<Void>empty()
                : host().deleteFolder(runFolder()));
        return closeSessions().then(removeFolder)
                .then(parts.reaped().map(Reaper.Entry::forget).orElse(Mono.empty()));
    }

    private Mono<Void> closeSessions() {
        Mono<Void> closeAgent = parts.agent().map(a -> a.flatMap(QgaClient::close).onErrorResume(e -> Mono.empty()))
                .orElse(Mono.empty());
        Mono<Void> closeConsole = parts.console().map(c -> c.close().onErrorResume(e -> Mono.empty())).orElse(Mono.empty());
        return Mono.whenDelayError(qmp().close().onErrorResume(e -> Mono.empty()), closeConsole, closeAgent);
    }

    @Override
    public String toString() {
        return name() + " (pid " + pid() + " on " + host().name() + ")";
    }
}
