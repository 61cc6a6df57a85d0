package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.CommandResult;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The mechanism that makes a boot over SSH cost what a local one does, pinned without timing
 * anything: four VMs launched at once on one SSH host each open their QMP and console sessions
 * with exactly one SSH channel each (the socket is awaited on the host first, so there are no
 * blind retries) and no local port forward, the launches overlap on the host instead of
 * queueing, and stopping them connects to nothing that is gone and leaves nothing open.
 */
@ExtendWith(SshdExtension.class)
class RemoteBootIT {

    private static final int VMS = 4;

    @TempDir
    Path runBase;

    private SshHost host;
    private List<RunningVm> vms = List.of();

    @AfterEach
    void cleanUp() {
        Flux.fromIterable(vms).flatMap(RunningVm::kill).then().block(Duration.ofSeconds(60));
        if (host != null) {
            host.close().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void fourRemoteBootsConnectOncePerSessionAndOverlap(Sshd sshd) {
        host = SshHosts.to(sshd);
        StartTimes times = new StartTimes(host);
        GuestKit kit = GuestKit.locate();
        QemuLauncher launcher = new QemuLauncher(LaunchOptions.defaults().withRunBase(runBase.toString()));
        Map<String, Long> readyAt = new ConcurrentHashMap<>();

        vms = Flux.range(1, VMS)
                .flatMap(i -> launcher.start(times, kit.spec(i, Flavour.DEFAULT).accelerator(Accelerator.TCG).build(),
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
    }

    /** The host, recording when each QEMU start completed (the run folder names the VM). */
    private record StartTimes(Host host, Map<String, Long> started) implements Host {
        StartTimes(Host host) {
            this(host, new ConcurrentHashMap<>());
        }

        @Override
        public String name() {
            return host.name();
        }

        @Override
        public Mono<CommandResult> exec(List<String> argv) {
            return host.exec(argv);
        }

        @Override
        public Mono<HostProcess> start(List<String> argv, String logFile) {
            return host.start(argv, logFile).doOnNext(p -> started.put(logFile, System.nanoTime()));
        }

        @Override
        public Mono<Void> createPrivateFolder(String path) {
            return host.createPrivateFolder(path);
        }

        @Override
        public Mono<Void> deleteFolder(String path) {
            return host.deleteFolder(path);
        }

        @Override
        public Mono<Void> writeFile(String path, byte[] content, Set<PosixFilePermission> permissions) {
            return host.writeFile(path, content, permissions);
        }

        @Override
        public Mono<Boolean> isReadable(String path) {
            return host.isReadable(path);
        }

        @Override
        public Mono<byte[]> readFile(String path) {
            return host.readFile(path);
        }

        @Override
        public Mono<SocketAddress> reachUnixSocket(String path) {
            return host.reachUnixSocket(path);
        }

        @Override
        public Mono<Void> close() {
            return host.close();
        }
    }
}
