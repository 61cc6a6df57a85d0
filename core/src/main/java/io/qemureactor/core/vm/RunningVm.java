package io.qemureactor.core.vm;

import io.qemureactor.console.SerialConsole;
import io.qemureactor.core.QemuVersion;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.Reaper;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.NicAssignment;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qga.ShutdownMode;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import reactor.util.retry.Retry;

/**
 * A booted VM: its QEMU process (exact pid), QMP session, guest agent, serial console and run
 * folder, and what a harness does with it — find and pin vCPU threads, make them real-time,
 * map guest NICs, shut it down. Made by {@code QemuLauncher}; every method is a cold Mono.
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
    private final AtomicBoolean released = new AtomicBoolean();
    private final Mono<Void> release;

    public RunningVm(VmParts parts) {
        this.parts = parts;
        this.agent = parts.agent().orElseGet(() -> Mono.error(new IllegalStateException(
                name() + " has no guest agent channel (spec: qgaIsaSerial or qgaVirtioSerial)")));
        this.release = Mono.defer(this::releaseOnce).cache();
    }

    public VmSpec spec() {
        return parts.commandLine().spec();
    }

    public String name() {
        return spec().name();
    }

    public Host host() {
        return parts.process().host();
    }

    public long pid() {
        return parts.process().pid();
    }

    public String runFolder() {
        return parts.runFolder();
    }

    /** The accelerator QEMU runs with (AUTO resolved). */
    public Accelerator accelerator() {
        return parts.commandLine().accelerator();
    }

    /** The argv QEMU was started with. */
    public List<String> argv() {
        return parts.commandLine().argv();
    }

    /** From the launch to the boot probe's "ready". */
    public Duration bootTime() {
        return parts.bootTime();
    }

    public QmpClient qmp() {
        return parts.qmp();
    }

    /** The version of the QEMU running this VM, from its QMP greeting (no extra command). */
    public QemuVersion qemuVersion() {
        var v = qmp().version();
        return new QemuVersion(v.major(), v.minor(), v.micro(), v.pkg());
    }

    /** The guest agent, connected on first use and shared afterwards. */
    public Mono<QgaClient> qga() {
        return agent;
    }

    public Optional<SerialConsole> console() {
        return parts.console();
    }

    /** Serial console lines (recent history, then live); empty when the console is not a socket. */
    public Flux<String> serial() {
        return parts.console().map(SerialConsole::lines).orElseGet(Flux::empty);
    }

    /** Completes with QEMU's exit status when it exits. */
    public Mono<Integer> onExit() {
        return parts.process().onExit();
    }

    /**
     * The vCPU threads, from QMP {@code query-cpus-fast}; when QMP cannot tell, from
     * {@code /proc/PID/task/*}{@code /comm} names containing "CPU" (QEMU names them
     * {@code CPU n/KVM} with {@code debug-threads=on}).
     */
    public Mono<List<VcpuThread>> vcpuThreads() {
        return qmp().execute(QmpCommands.queryCpusFast())
                .map(cpus -> cpus.stream().map(c -> new VcpuThread(c.cpuIndex(), c.threadId())).toList())
                .onErrorResume(e -> {
                    log.debug("{}: query-cpus-fast failed ({}), reading /proc", name(), e.toString());
                    return vcpuThreadsFromProc();
                });
    }

    private Mono<List<VcpuThread>> vcpuThreadsFromProc() {
        // grep prints "/proc/PID/task/TID/comm:CPU 0/KVM" for each vCPU thread
        String tasks = "/proc/" + pid() + "/task";
        return host().exec(List.of("sh", "-c", "grep -H CPU \"$1\"/*/comm", "sh", tasks)).map(r -> {
            List<VcpuThread> threads = new ArrayList<>();
            for (String line : r.stdout().lines().toList()) {
                String[] pathAndName = line.split(":", 2);
                String tid = pathAndName[0].replace(tasks + "/", "").replace("/comm", "");
                String comm = pathAndName.length > 1 ? pathAndName[1] : "";
                int index = threads.size();
                String[] words = comm.split("[ /]");
                if (words.length > 1 && words[1].matches("\\d+")) {
                    index = Integer.parseInt(words[1]);
                }
                threads.add(new VcpuThread(index, Long.parseLong(tid)));
            }
            return threads;
        });
    }

    /** Pins vCPU {@code i} to {@code hostCpus[i % n]}, with the seed's retry policy. */
    public Mono<List<PinnedVcpu>> pin(int... hostCpus) {
        return pin(PinningPolicy.seedDefault(), hostCpus);
    }

    /**
     * Pins each vCPU thread to one host CPU ({@code taskset}) and reads the affinity back from
     * {@code /proc/PID/task/TID/status}: the result is what the kernel reports, checked to be
     * exactly the CPU asked for. CPUs the host does not have online fail first, with one line
     * that names them and the host's CPUs. Retried with backoff while QEMU has fewer vCPU threads
     * than the spec asks for, as the seed did (3 tries) — but without its fixed sleeps.
     */
    public Mono<List<PinnedVcpu>> pin(PinningPolicy policy, int... hostCpus) {
        if (hostCpus.length == 0) {
            return Mono.error(new IllegalArgumentException("pin: name at least one host CPU"));
        }
        int[] cpus = hostCpus.clone();
        int expected = spec().smp().vcpus();
        return checkOnline(cpus).then(vcpuThreads())
                .filter(threads -> threads.size() == expected)
                .switchIfEmpty(Mono.error(() -> new VmOperationException(name() + ": expected " + expected
                        + " vCPU threads, QEMU does not have them (yet)")))
                .retryWhen(Retry.backoff(policy.attempts() - 1L, policy.firstBackoff())
                        .filter(VmOperationException.class::isInstance)
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .flatMap(threads -> Flux.fromIterable(threads)
                        .concatMap(t -> pinOne(t, cpus[t.index() % cpus.length]))
                        .collectList());
    }

    /** Fails when a CPU is not online on the host (taskset would only say "Invalid argument"). */
    private Mono<Void> checkOnline(int[] cpus) {
        String online = "/sys/devices/system/cpu/online";
        return host().readFile(online).map(b -> new String(b, StandardCharsets.US_ASCII)).flatMap(text -> {
            List<Integer> have = CpuList.parse(text);
            List<Integer> missing = Arrays.stream(cpus).filter(c -> !have.contains(c)).distinct().boxed().toList();
            return missing.isEmpty() ? Mono.<Void>empty()
                    : Mono.error(new VmOperationException(name() + ": cannot pin to host CPU"
                            + (missing.size() > 1 ? "s " : " ") + missing.stream().map(String::valueOf)
                                    .collect(Collectors.joining(", "))
                            + ": " + host().name() + " has CPUs " + text.strip() + " online (" + online + ")"));
        });
    }

    private Mono<PinnedVcpu> pinOne(VcpuThread thread, int cpu) {
        String tid = Long.toString(thread.threadId());
        return host().exec(List.of("taskset", "-p", "-c", Integer.toString(cpu), tid))
                .flatMap(r -> r.succeeded() ? readStatus(thread.threadId())
                        : Mono.error(new VmOperationException(name() + ": taskset failed for vCPU " + thread.index()
                                + ": " + r.describeFailure())))
                .flatMap(status -> {
                    String allowed = status.getOrDefault("Cpus_allowed_list", "");
                    return allowed.equals(Integer.toString(cpu))
                            ? Mono.just(new PinnedVcpu(thread, cpu, CpuList.parse(allowed)))
                            : Mono.error(new VmOperationException(name() + ": vCPU " + thread.index() + " (thread " + tid
                                    + ") is allowed on CPUs " + allowed + " after pinning it to " + cpu));
                });
    }

    /**
     * Gives every vCPU thread SCHED_RR priority 1 (the seed's {@code chrt -r -p 1}) and reads the
     * policy back with {@code chrt -p}.
     */
    public Mono<Void> setRealtime() {
        return vcpuThreads().flatMapMany(Flux::fromIterable).concatMap(t -> {
            String tid = Long.toString(t.threadId());
            return host().exec(List.of("chrt", "-r", "-p", "1", tid))
                    .flatMap(r -> r.succeeded() ? host().exec(List.of("chrt", "-p", tid))
                            : Mono.error(new VmOperationException(name() + ": chrt failed for vCPU " + t.index()
                                    + ": " + r.describeFailure())))
                    .flatMap(r -> r.stdout().contains("SCHED_RR") && r.stdout().contains("priority: 1")
                            ? Mono.<Void>empty()
                            : Mono.error(new VmOperationException(name() + ": vCPU " + t.index()
                                    + " is not SCHED_RR priority 1 after chrt: " + r.stdout().strip())));
        }).then();
    }

    /** The spec's NICs as the guest names them, matched by MAC through the guest agent. */
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

    /** {@link #shutdown(ShutdownPolicy)} with the default bounds. */
    public Mono<Void> shutdown() {
        return shutdown(ShutdownPolicy.defaults());
    }

    /**
     * Stops the VM politely, then less so: the guest powers off (through its agent when it has
     * one, else the ACPI power button), then QMP {@code quit}, then SIGTERM, then SIGKILL; each
     * step bounded by the policy and skipped once QEMU has exited. Then releases the sessions
     * and the run folder. Completes when QEMU is gone.
     */
    public Mono<Void> shutdown(ShutdownPolicy policy) {
        Mono<Void> exited = onExit().then();
        Mono<Void> askGuest = parts.agent().isPresent()
                ? qga().flatMap(a -> a.shutdown(ShutdownMode.POWERDOWN)).timeout(policy.graceful())
                        .onErrorResume(e -> qmp().execute(QmpCommands.systemPowerdown()))
                : qmp().execute(QmpCommands.systemPowerdown());
        Mono<Void> ladder = step(policy.graceful(), askGuest, exited, "guest power-off")
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
     */
    public Mono<Void> detach() {
        return Mono.defer(() -> {
            if (!released.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return parts.reaped().map(Reaper.Entry::forget).orElse(Mono.empty()).then(closeSessions());
        });
    }

    /** SIGKILL now, then release the sessions and the run folder. */
    public Mono<Void> kill() {
        return parts.process().kill().then(onExit().timeout(Duration.ofSeconds(30)).then()).then(release);
    }

    private Mono<Void> releaseOnce() {
        if (!released.compareAndSet(false, true)) {
            return Mono.empty();
        }
        // the process is gone by now: once its folder is too, the reaper has nothing left to do for it
        return closeSessions().then(host().deleteFolder(runFolder()))
                .then(parts.reaped().map(Reaper.Entry::forget).orElse(Mono.empty()));
    }

    private Mono<Void> closeSessions() {
        Mono<Void> closeAgent = parts.agent().map(a -> a.flatMap(QgaClient::close).onErrorResume(e -> Mono.empty()))
                .orElse(Mono.empty());
        Mono<Void> closeConsole = parts.console().map(c -> c.close().onErrorResume(e -> Mono.empty())).orElse(Mono.empty());
        return Mono.whenDelayError(qmp().close().onErrorResume(e -> Mono.empty()), closeConsole, closeAgent);
    }

    private Mono<Map<String, String>> readStatus(long tid) {
        return host().readFile("/proc/" + pid() + "/task/" + tid + "/status").map(bytes -> {
            Map<String, String> fields = new java.util.HashMap<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
                }
            }
            return fields;
        });
    }

    @Override
    public String toString() {
        return name() + " (pid " + pid() + " on " + host().name() + ")";
    }
}
