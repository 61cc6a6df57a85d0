package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** {@link SshHost} against a real sshd on 127.0.0.1. */
@ExtendWith(SshdExtension.class)
class SshHostIT {

    private static final Duration T = Duration.ofSeconds(30);
    private SshHost host;

    @BeforeEach
    void connect(Sshd sshd) {
        host = SshHosts.to(sshd);
    }

    @AfterEach
    void close() {
        host.close().block(T);
    }

    @Test
    void runsArgvWithEveryArgumentIntact() {
        String tricky = "a  b; echo injected $(id) 'q' \"dq\" *\nsecond  line\n";
        StepVerifier.create(host.exec(List.of("printf", "%s|%s", tricky, "")))
                .assertNext(r -> {
                    assertThat(r.exitCode()).isZero();
                    assertThat(r.stdout()).isEqualTo(tricky + "|");
                })
                .expectComplete()
                .verify(T);
    }

    @Test
    void reportsExitStatusAndStderr() {
        StepVerifier.create(host.exec(List.of("sh", "-c", "echo oops >&2; exit 7")))
                .assertNext(r -> {
                    assertThat(r.exitCode()).isEqualTo(7);
                    assertThat(r.stderr()).isEqualTo("oops\n");
                })
                .expectComplete()
                .verify(T);
    }

    @Test
    void missingProgramIsNamed() {
        StepVerifier.create(host.exec(List.of("qemu-img-not-installed", "info")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CommandNotFoundException.class)
                        .hasMessageStartingWith("qemu-img-not-installed not found on ssh://"))
                .verify(T);
    }

    @Test
    void reusesOneSessionForManyCommands() {
        var first = host.session().block(T);
        host.exec(List.of("true")).block(T);
        assertThat(host.session().block(T)).isSameAs(first);
    }

    @Test
    void reconnectsWhenTheSessionDropped() {
        var first = host.session().block(T);
        first.disconnect();
        StepVerifier.create(host.exec(List.of("echo", "again")))
                .assertNext(r -> assertThat(r.stdout()).isEqualTo("again\n"))
                .expectComplete()
                .verify(T);
        assertThat(host.session().block(T)).isNotSameAs(first);
    }

    @Test
    void writesAndReadsFilesWithTheirMode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vm config, with spaces.conf");
        byte[] content = "unix {\n  nodaemon\n}\n".getBytes(StandardCharsets.UTF_8);
        host.writeFile(file.toString(), content, PosixFilePermissions.fromString("rwxr-x---")).block(T);
        assertThat(Files.readAllBytes(file)).isEqualTo(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rwxr-x---");
        assertThat(host.readFile(file.toString()).block(T)).isEqualTo(content);
    }

    @Test
    void readingAMissingFileSaysWhich() {
        StepVerifier.create(host.readFile("/nonexistent/qr.conf"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HostException.class)
                        .hasMessageStartingWith("cannot read /nonexistent/qr.conf on ssh://"))
                .verify(T);
    }

    @Test
    void forwardsARemoteUnixSocketToALocalPort(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("peer.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            var address = host.forwardUnixSocket(sock.toString()).block(T);
            assertThat(address.getAddress().isLoopbackAddress()).isTrue();
            try (Socket client = new Socket(address.getAddress(), address.getPort());
                 SocketChannel accepted = server.accept()) {
                accepted.write(ByteBuffer.wrap("{\"QMP\":{}}\n".getBytes(StandardCharsets.UTF_8)));
                byte[] buf = new byte[11];
                int n = client.getInputStream().readNBytes(buf, 0, buf.length);
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("{\"QMP\":{}}\n");
            }
        }
    }

    @Test
    void waitsOnTheHostForASocketBeforeForwardingIt(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("late.sock");
        // the socket appears a while after the process started, as QEMU's monitor does
        HostProcess p = host.start(List.of("sh", "-c", "sleep 1; exec socat UNIX-LISTEN:\"$1\" EXEC:cat", "sh", sock.toString()),
                dir.resolve("late.log").toString()).block(T);
        try {
            var address = host.forwardUnixSocket(sock.toString()).block(T);
            assertThat(sock).exists();
            long before = host.forwardedConnections();
            try (Socket client = new Socket(address.getAddress(), address.getPort())) {
                client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
                byte[] buf = new byte[5];
                assertThat(client.getInputStream().readNBytes(buf, 0, 5)).isEqualTo(5);
                assertThat(new String(buf, StandardCharsets.UTF_8)).isEqualTo("ping\n");
            }
            assertThat(host.forwardedConnections()).isEqualTo(before + 1);
            assertThat(host.openForwards()).isEqualTo(1);
        } finally {
            p.kill().block(T);
        }
        p.onExit().block(T);
        // the forward to a socket of a process that exited is closed, and that socket is not waited for again
        assertThat(Fixtures.await(T, () -> host.openForwards() == 0)).isTrue();
        StepVerifier.create(host.reachUnixSocket(sock.toString()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HostException.class).hasMessageContaining("has exited"))
                .verify(T);
    }

    @Test
    void aProcessThatDiesBeforeItsSocketExistsEndsTheWait(@TempDir Path dir) {
        Path sock = dir.resolve("never.sock");
        host.start(List.of("sh", "-c", "sleep 0.5; exit 1", "sh", sock.toString()), dir.resolve("never.log").toString()).block(T);
        StepVerifier.create(host.reachUnixSocket(sock.toString()))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HostException.class).hasMessageContaining(sock.toString()))
                .verify(T);
    }

    @Test
    void manyProcessesReportTheirExitsThroughOneShell(@TempDir Path dir) {
        List<HostProcess> processes = reactor.core.publisher.Flux.range(0, 20)
                .flatMap(i -> host.start(List.of("sh", "-c", "sleep 0.2; exit \"$1\"", "sh", Integer.toString(i)),
                        dir.resolve("p" + i + ".log").toString()))
                .collectList().block(T);
        List<Integer> codes = reactor.core.publisher.Flux.fromIterable(processes).flatMap(HostProcess::onExit).sort().collectList().block(T);
        assertThat(codes).isEqualTo(java.util.stream.IntStream.range(0, 20).boxed().toList());
        assertThat(processes).noneMatch(HostProcess::isAlive);
    }

    @Test
    void aFolderAskedForIsRemovedWithTheExitAndOnlyThen(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("run folder").resolve("with 'quotes'"));
        Files.writeString(folder.resolve("qemu.log"), "kept until the exit\n");
        HostProcess process = host.start(List.of("sleep", "30"), folder.resolve("qemu.log").toString()).block(T);

        assertThat(process.removeOnExit(folder.toString()).block(T)).isTrue();
        // noted, not done: the process still uses its folder
        assertThat(folder).isDirectory();
        assertThat(process.removedOnExit()).isFalse();

        process.terminate().block(T);
        assertThat(process.onExit().block(T)).isEqualTo(128 + 15);
        assertThat(process.removedOnExit()).isTrue();
        assertThat(folder).doesNotExist();
        assertThat(folder.getParent()).isDirectory();
    }

    @Test
    void aFolderNobodyAskedForOutlivesTheExit(@TempDir Path dir) throws Exception {
        // a process that ends on its own (a crash) keeps its log for the error message: only a stop removes it
        Path folder = Files.createDirectories(dir.resolve("crashed"));
        HostProcess process = host.start(List.of("sh", "-c", "echo dying; exit 3"), folder.resolve("qemu.log").toString()).block(T);
        assertThat(process.onExit().block(T)).isEqualTo(3);
        assertThat(process.removedOnExit()).isFalse();
        assertThat(folder.resolve("qemu.log")).content().contains("dying");
        // asked too late: nothing is promised, the owner removes the folder itself
        assertThat(process.removeOnExit(folder.toString()).block(T)).isFalse();
        assertThat(folder).isDirectory();
    }

    @Test
    void anUntrustedHostKeyFailsWithTheFix(Sshd sshd, @TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("known_hosts"));
        SshHost stranger = SshHost.of(SshTarget.parse(sshd.uri()).withIdentity(sshd.clientKey()).withKnownHosts(empty));
        StepVerifier.create(stranger.exec(List.of("true")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HostException.class)
                        .hasMessageContaining("host key not trusted")
                        .hasMessageContaining("ssh-keyscan -p " + sshd.port() + " 127.0.0.1"))
                .verify(T);
    }
}
