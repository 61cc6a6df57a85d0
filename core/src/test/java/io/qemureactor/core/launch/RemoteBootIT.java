package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.testing.ForwardingHost;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The mechanism that makes a boot over SSH cost what a local one does, pinned without timing
 * anything: four VMs launched at once on one SSH host each open their QMP and console sessions
 * with exactly one SSH channel each (the socket is awaited on the host first, so there are no
 * blind retries) and no local port forward, the launches overlap on the host instead of
 * queueing, and stopping them connects to nothing that is gone, leaves nothing open, and removes
 * each run folder with its QEMU's exit (no second round trip through the remote shell).
 */
@ExtendWith(SshdExtension.class)
class RemoteBootIT {

    private static final int VMS = 4;

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private SshHost host;
    private List<RunningVm> vms = List.of();

    @AfterEach
    void cleanUp() {
        Flux.fromIterable(vms).flatMap(RunningVm::kill).then().block(Duration.ofSeconds(60));
        // a failed boot cancels the other launches: their QEMUs are stopped over this host's session, which
        // close() awaits before it lets go of the session
        if (host != null) {
            host.close().block(Duration.ofSeconds(90));
        }
    }

    @Test
    void fourRemoteBootsConnectOncePerSessionAndOverlap(Sshd sshd) {
        host = SshHosts.to(sshd);
        StartTimes times = new StartTimes(host);
        GuestKit kit = local.kit();
        QemuLauncher launcher = local.launcher();
        Map<String, Long> readyAt = new ConcurrentHashMap<>();

        vms = Flux.range(1, VMS)
                .flatMap(i -> launcher.start(times, local.guest(i, Flavour.DEFAULT).build(),
                        kit.readyProbe()).doOnNext(vm -> readyAt.put(vm.name(), System.nanoTime())))
                .collectList()
                .block(Duration.ofSeconds(240));

        assertThat(vms).hasSize(VMS);
        // QMP and console of each VM: one SSH channel each, none retried against a missing socket
        assertThat(host.forwardedConnections()).isEqualTo(2L * VMS);
        // and the clients run on those channels: no local port is listening for them
        assertThat(host.openForwards()).isZero();
        // every QEMU was running before the first guest was ready: the launches did not wait for each other
        long lastStarted = times.started.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        long firstReady = readyAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        assertThat(times.started).hasSize(VMS);
        assertThat(lastStarted).isLessThan(firstReady);

        List<Long> pids = vms.stream().map(RunningVm::pid).toList();
        List<String> folders = vms.stream().map(RunningVm::runFolder).toList();
        Flux.fromIterable(vms).flatMap(vm -> vm.shutdown(ShutdownPolicy.withoutGuest())).then().block(Duration.ofSeconds(60));
        vms = List.of();

        // stopping released the sessions without connecting anything new (no agent connected just to close it)
        assertThat(host.forwardedConnections()).isEqualTo(2L * VMS);
        // and the forwards to the sockets of QEMUs that exited are closed, not left listening
        assertThat(host.openForwards()).isZero();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse());
        assertThat(folders).allSatisfy(folder -> assertThat(Path.of(folder)).doesNotExist());
        // each folder went with its QEMU's exit, in the remote shell's job that reported it: no second round trip
        assertThat(times.processes).hasSize(VMS).allSatisfy(p -> assertThat(p.removedOnExit()).isTrue());
    }

    /** The host, recording when each QEMU start completed (the run folder names the VM). */
    private static final class StartTimes extends ForwardingHost {

        final Map<String, Long> started = new ConcurrentHashMap<>();
        final List<HostProcess> processes = new java.util.concurrent.CopyOnWriteArrayList<>();

        StartTimes(Host host) {
            super(host);
        }

        @Override
        public Mono<HostProcess> start(List<String> argv, String logFile) {
            return delegate().start(argv, logFile).doOnNext(p -> {
                started.put(logFile, System.nanoTime());
                processes.add(p);
            });
        }
    }
}
