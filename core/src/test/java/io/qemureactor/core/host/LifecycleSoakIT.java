package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * Boot/kill cycles of a real QEMU ({@code -machine none}) through the lifecycle every process owner
 * follows: run folder, reaper entry, start, pid to the reaper, a QMP round trip, SIGKILL, exit (reaped),
 * folder removed, entry forgotten. After a warm-up nothing may grow: this JVM's file descriptors and
 * threads, the reaper's entries (here and on the host), and over SSH the sshd's descriptors and
 * processes for our connection (a leaked channel or forward holds one each). The count is the system
 * property {@code soak.cycles} (default 40, for CI; the figures in docs/BENCHMARKS.md are from 1000), over SSH
 * {@code soak.sshCycles} (default 8).
 *
 * <p>Diagnostics for a stalled cycle, off by default: {@code -Dsoak.wireTrace=true} logs every QMP frame
 * ({@code io.qemureactor.wire} at DEBUG: also set {@code -Dorg.slf4j.simpleLogger.log.io.qemureactor=trace} to see
 * the stream bridge's byte counts and the SSH channel ids); {@code -Dsoak.jschLog=true} routes JSch's own log to
 * SLF4J; a cycle slower than {@link #SLOW_CYCLE} prints every thread's stack and the kernel's view of the QEMU's
 * unix sockets ({@code ss}: bytes queued at each end), and with {@code -Dsoak.straceDir=DIR} attaches {@code strace}
 * to that QEMU and to the process at the other end of its socket for 15 s; {@code -Dsoak.qemuTrace=true} runs each
 * QEMU with its monitor and socket trace events on (into its log, which a slow cycle prints);
 * {@code -Dsoak.qmpSessions=N} opens N QMP sessions one after the other in each cycle (default 1);
 * {@code -Dsoak.slowCycleMs=N} sets what counts as a slow cycle (default 20 s).
 */
@ExtendWith(SshdExtension.class)
class LifecycleSoakIT {

    private static final int CYCLES = Integer.getInteger("soak.cycles", 40);
    /** Over SSH a cycle costs several round trips (seconds each on a loaded machine): fewer by default. */
    private static final int SSH_CYCLES = Integer.getInteger("soak.sshCycles", Math.min(CYCLES, 8));
    private static final Duration T = Duration.ofSeconds(60);
    /** Only catches a hang: over SSH on the shared 2-core machine one cycle has taken 20 s and more. */
    private static final Duration CYCLE_BOUND = Duration.ofMinutes(5);
    /** A cycle this slow prints a thread dump (a diagnostic for stalls, not a failure). */
    private static final Duration SLOW_CYCLE = Duration.ofMillis(Long.getLong("soak.slowCycleMs", 20_000));
    /** What may differ between two samples without being a leak (a pooled thread, a descriptor in flight). */
    private static final int SLACK = 4;
    private static final boolean WIRE_TRACE = Boolean.getBoolean("soak.wireTrace");
    private static final String STRACE_DIR = System.getProperty("soak.straceDir");
    /** QMP sessions one after the other per cycle: more than 1 exercises the transport more often than the process lifecycle. */
    private static final int QMP_SESSIONS = Integer.getInteger("soak.qmpSessions", 1);
    private static final List<String> QEMU_TRACE = Boolean.getBoolean("soak.qemuTrace")
            ? List.of("-trace", "enable=monitor_*", "-trace", "enable=handle_qmp_command", "-trace", "enable=qio_channel_socket_accept*",
                    "-trace", "enable=qio_net_listener_*")
            : List.of();

    static {
        if (Boolean.getBoolean("soak.jschLog")) {
            com.jcraft.jsch.JSch.setLogger(new com.jcraft.jsch.Slf4jLogger());
        }
    }

    @TempDir
    Path runBase;

    @Test
    void localCyclesGrowNothing() {
        soak(LocalHost.instance(), null, "local", CYCLES);
    }

    @Test
    void sshCyclesGrowNothing(Sshd sshd) {
        SshHost host = SshHosts.to(sshd);
        try {
            soak(host, sshd, "ssh", SSH_CYCLES);
        } finally {
            host.close().block(T);
        }
    }

    private void soak(Host host, Sshd sshd, String label, int cycles) {
        int warmUp = Math.min(10, cycles / 2);
        Reaper reaper = host.reaper();
        int entriesBefore = reaper.size();
        Sample warm = null;
        long started = System.nanoTime();
        long warmAt = started;
        long slowestMs = 0;
        for (int i = 1; i <= cycles; i++) {
            long cycleStart = System.nanoTime();
            cycle(host, runBase.resolve(label + "-" + i).toString());
            slowestMs = Math.max(slowestMs, (System.nanoTime() - cycleStart) / 1_000_000);
            if (i % 100 == 0) {
                System.out.printf(Locale.ROOT, "SOAK %s: cycle %d at %s%n", label, i, java.time.Instant.now());
            }
            if (i == warmUp) {
                Fixtures.await(T, () -> reaper.sizeOnHost().block(T) == 0);
                warm = sample(sshd);
                warmAt = System.nanoTime();
            }
        }
        // a helper may still be finishing (the reaper's rm of the last entry): settle, bounded, then judge
        Sample w = warm;
        Sample[] last = {sample(sshd)};
        Fixtures.await(T, () -> (last[0] = sample(sshd)).sshdProcesses == w.sshdProcesses
                && last[0].sshdFds - w.sshdFds <= SLACK && last[0].fds - w.fds <= SLACK);
        Sample end = last[0];
        double perCycleMs = (System.nanoTime() - warmAt) / 1e6 / Math.max(1, cycles - warmUp);
        assertThat(Fixtures.await(T, () -> reaper.sizeOnHost().block(T) == 0)).as("reaper entries on the host").isTrue();
        System.out.printf(Locale.ROOT, "SOAK %s: %d cycles, %.1f ms/cycle after warm-up (slowest %d ms); fds %d -> %d, threads %d -> %d,"
                        + " sshd fds %d -> %d, sshd processes %d -> %d, reaper entries %d (host 0)%n",
                label, cycles, perCycleMs, slowestMs, warm.fds, end.fds, warm.threads, end.threads, warm.sshdFds, end.sshdFds,
                warm.sshdProcesses, end.sshdProcesses, reaper.size());
        if (host instanceof SshHost ssh) {
            System.out.printf(Locale.ROOT, "SOAK %s: forwards open at the end %d, connections made through forwards %d%n",
                    label, ssh.openForwards(), ssh.forwardedConnections());
            assertThat(ssh.openForwards()).as("forwards still open").isZero();
        }

        assertThat(reaper.size()).as("reaper entries in this JVM").isEqualTo(entriesBefore);
        assertThat(end.fds - warm.fds).as("fds %d -> %d", warm.fds, end.fds).isLessThanOrEqualTo(SLACK);
        assertThat(end.threads - warm.threads).as("threads %d -> %d", warm.threads, end.threads).isLessThanOrEqualTo(SLACK);
        assertThat(end.sshdFds - warm.sshdFds).as("sshd fds %d -> %d", warm.sshdFds, end.sshdFds).isLessThanOrEqualTo(SLACK);
        assertThat(end.sshdProcesses).as("sshd's processes").isEqualTo(warm.sshdProcesses);
        try (var left = Files.list(runBase)) {
            assertThat(left.toList()).as("run folders left").isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One owner's whole lifecycle of one process. */
    private static void cycle(Host host, String folder) {
        String qmpSocket = folder + "/qmp.sock";
        java.util.concurrent.atomic.AtomicLong qemuPid = new java.util.concurrent.atomic.AtomicLong();
        List<String> argv = new java.util.ArrayList<>(List.of("qemu-system-x86_64", "-machine", "none", "-nodefaults",
                "-display", "none", "-qmp", "unix:" + qmpSocket + ",server=on,wait=on"));
        argv.addAll(QEMU_TRACE);
        Mono<Void> life = host.createPrivateFolder(folder)
                .then(host.reaper().trackFolder(folder))
                .flatMap(entry -> host.start(argv, folder + "/qemu.log")
                        .doOnNext(p -> qemuPid.set(p.pid()))
                        .flatMap(p -> entry.addProcess(p.pid())
                                .then(Mono.defer(() -> queryStatus(host, p, qmpSocket)).repeat(QMP_SESSIONS - 1).then())
                                .then(p.kill())
                                .then(p.onExit())
                                .then(host.deleteFolder(folder))
                                .then(entry.forget())));
        // a cycle that takes long prints every thread's stack once, while it is still stuck: what a stall waits on
        // (on boundedElastic: ss and /proc take a while, which must not hold up the parallel scheduler's timers)
        reactor.core.Disposable watchdog = Mono.delay(SLOW_CYCLE).publishOn(reactor.core.scheduler.Schedulers.boundedElastic()).subscribe(t -> {
            dumpThreads(folder);
            dumpSockets(folder, qemuPid.get());
        });
        try {
            life.block(CYCLE_BOUND);
        } finally {
            watchdog.dispose();
        }
    }

    private static void dumpThreads(String folder) {
        StringBuilder dump = new StringBuilder("SOAK slow cycle (" + SLOW_CYCLE.toMillis() + " ms) in " + folder + " at "
                + java.time.Instant.now() + ":\n");
        for (java.lang.management.ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
            if (t.getLockName() != null) {
                dump.append(" on ").append(t.getLockName());
            }
            dump.append('\n');
            for (StackTraceElement e : t.getStackTrace()) {
                dump.append("    at ").append(e).append('\n');
            }
        }
        System.out.print(dump);
    }

    /**
     * The kernel's view of the stuck cycle's QEMU: every {@code ss} line of its unix sockets (pid {@code qemuPid}) and
     * of the socket at the other end of each (Recv-Q: bytes that end has not read yet), each of its threads' system
     * call, its log, and with
     * {@code soak.straceDir} an {@code strace} of both processes for 15 s. Both hosts of the soak run on this machine.
     */
    private static void dumpSockets(String folder, long qemuPid) {
        if (qemuPid == 0) {
            return;
        }
        List<String> lines = run(List.of("ss", "-xnpe"), Duration.ofSeconds(10)).lines().toList();
        java.util.Set<String> inodes = new java.util.HashSet<>();
        for (String line : lines) {
            if (line.contains("pid=" + qemuPid + ",")) {
                String[] f = line.trim().split("\\s+");
                // Netid State Recv-Q Send-Q Local-Address Port Peer-Address Port ...
                if (f.length > 7) {
                    inodes.add(f[5]);
                    inodes.add(f[7]);
                }
            }
        }
        StringBuilder out = new StringBuilder("SOAK sockets of qemu pid " + qemuPid + " (" + folder + "):\n");
        java.util.Set<Long> peers = new java.util.TreeSet<>(List.of(qemuPid));
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 7 && (inodes.contains(f[5]) || line.contains("pid=" + qemuPid + ","))) {
                out.append("  ").append(line.trim()).append('\n');
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("pid=(\\d+),").matcher(line);
                while (m.find()) {
                    peers.add(Long.parseLong(m.group(1)));
                }
            }
        }
        // each QEMU thread's system call: a main thread blocked in accept4 (288) on the listening socket is the QEMU 7.2
        // start-up race of docs/BENCHMARKS.md (Lifecycle soak), whose main loop no longer runs the QMP dispatcher
        try (var tasks = Files.list(Path.of("/proc/" + qemuPid + "/task"))) {
            for (Path task : tasks.sorted().toList()) {
                out.append("  thread ").append(task.getFileName()).append(' ')
                        .append(Files.readString(task.resolve("comm")).strip()).append(": wchan=")
                        .append(Files.readString(task.resolve("wchan")).strip()).append(" syscall=")
                        .append(Files.readString(task.resolve("syscall")).strip()).append('\n');
            }
        } catch (IOException e) {
            out.append("SOAK no threads of pid ").append(qemuPid).append(": ").append(e).append('\n');
        }
        try {
            out.append("SOAK qemu.log of ").append(folder).append(":\n").append(Files.readString(Path.of(folder, "qemu.log")));
        } catch (IOException e) {
            out.append("SOAK no qemu.log: ").append(e).append('\n');
        }
        System.out.print(out);
        if (STRACE_DIR != null) {
            List<String> argv = new java.util.ArrayList<>(List.of("timeout", "15", "strace", "-f", "-tt", "-s", "200",
                    "-e", "trace=read,write,recvmsg,sendmsg,ppoll,poll,close,shutdown",
                    "-o", STRACE_DIR + "/strace-" + qemuPid + ".txt"));
            for (long pid : peers) {
                argv.add("-p");
                argv.add(Long.toString(pid));
            }
            System.out.println("SOAK " + String.join(" ", argv));
            try {
                new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(Path.of(STRACE_DIR, "strace-" + qemuPid + ".log").toFile()).start();
            } catch (IOException e) {
                System.out.println("SOAK cannot start strace: " + e);
            }
        }
    }

    private static String run(List<String> argv, Duration bound) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return text;
        } catch (IOException e) {
            return "cannot run " + argv + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static Mono<Void> queryStatus(Host host, HostProcess p, String socket) {
        QmpConnectOptions options = QmpConnectOptions.defaults()
                // generous: one connect in 1000 has taken over 30 s on the loaded shared machine
                .withConnectPolicy(ConnectPolicy.defaults().withTimeout(Duration.ofMinutes(2))
                        .withLiveness(() -> Mono.fromSupplier(p::isAlive)))
                .withWireTrace(WIRE_TRACE);
        return Mono.usingWhen(host.reachUnixSocket(socket).flatMap(a -> QmpClient.connect(peer(a), options)),
                q -> q.execute(QmpCommands.queryStatus()).then(),
                QmpClient::close);
    }

    private static PeerAddress peer(SocketAddress address) {
        if (address instanceof SshUnixSocket remote) {
            return PeerAddress.stream(remote.toString(), remote);
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return PeerAddress.unix(unix.getPath());
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        return PeerAddress.tcp(inet.getHostString(), inet.getPort());
    }

    private record Sample(long fds, int threads, long sshdFds, long sshdProcesses) {
    }

    private static Sample sample(Sshd sshd) {
        long sshdFds = 0;
        long sshdProcesses = 0;
        if (sshd != null) {
            // the listener's descendants: one privileged and one session process per connection, and what runs there
            for (ProcessHandle p : ProcessHandle.of(sshd.pid()).orElseThrow().descendants().toList()) {
                sshdProcesses++;
                sshdFds += count(Path.of("/proc/" + p.pid() + "/fd"));
            }
        }
        return new Sample(count(Path.of("/proc/self/fd")), ManagementFactory.getThreadMXBean().getThreadCount(),
                sshdFds, sshdProcesses);
    }

    private static long count(Path dir) {
        try (var list = Files.list(dir)) {
            return list.count();
        } catch (IOException e) {
            return 0;
        }
    }
}
