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
    private static final Duration SLOW_CYCLE = Duration.ofSeconds(20);
    /** What may differ between two samples without being a leak (a pooled thread, a descriptor in flight). */
    private static final int SLACK = 4;

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
        List<String> argv = List.of("qemu-system-x86_64", "-machine", "none", "-nodefaults", "-display", "none",
                "-qmp", "unix:" + qmpSocket + ",server=on,wait=off");
        Mono<Void> life = host.createPrivateFolder(folder)
                .then(host.reaper().trackFolder(folder))
                .flatMap(entry -> host.start(argv, folder + "/qemu.log")
                        .flatMap(p -> entry.addProcess(p.pid())
                                .then(queryStatus(host, p, qmpSocket))
                                .then(p.kill())
                                .then(p.onExit())
                                .then(host.deleteFolder(folder))
                                .then(entry.forget())));
        // a cycle that takes long prints every thread's stack once, while it is still stuck: what a stall waits on
        reactor.core.Disposable watchdog = Mono.delay(SLOW_CYCLE).subscribe(t -> dumpThreads(folder));
        try {
            life.block(CYCLE_BOUND);
        } finally {
            watchdog.dispose();
        }
    }

    private static void dumpThreads(String folder) {
        StringBuilder dump = new StringBuilder("SOAK slow cycle (" + SLOW_CYCLE.toSeconds() + " s) in " + folder + " at "
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

    private static Mono<Void> queryStatus(Host host, HostProcess p, String socket) {
        QmpConnectOptions options = QmpConnectOptions.defaults()
                // generous: one connect in 1000 has taken over 30 s on the loaded shared machine
                .withConnectPolicy(ConnectPolicy.defaults().withTimeout(Duration.ofMinutes(2))
                        .withLiveness(() -> Mono.fromSupplier(p::isAlive)));
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
