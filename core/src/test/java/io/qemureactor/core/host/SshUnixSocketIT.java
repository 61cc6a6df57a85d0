package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import io.qemureactor.testing.HostQemuGa;
import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import io.qemureactor.transport.PeerAddress;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The way the engine's clients reach a unix socket on an SSH host, pinned without timing it:
 * each connection opens exactly one SSH channel to the socket and the client runs on that
 * channel directly: no local port is listening, and JSch starts no thread per connection (its
 * port forwards accept on one thread and relay each connection on another).
 */
@ExtendWith(SshdExtension.class)
class SshUnixSocketIT {

    private static final Duration T = Duration.ofSeconds(60);
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
    void eachQmpSessionIsOneChannelWithNoLocalPortAndNoThreadOfItsOwn() {
        // the sshd is on this machine: a monitor started here is a monitor on the SSH host
        try (QemuMachineNone qemu = QemuMachineNone.start()) {
            PeerAddress monitor = stream((SshUnixSocket) host.reachUnixSocket(qemu.qmpSocket().toString()).block(T));
            long before = host.forwardedConnections();

            String status = Mono.usingWhen(QmpClient.connect(monitor),
                    q -> q.execute(QmpCommands.queryStatus()).map(s -> {
                        // checked while the session is open: a per-connection relay thread would be alive now
                        assertThat(threadNames()).noneMatch(name -> name.startsWith("DirectTCPIP"));
                        return s.status();
                    }),
                    QmpClient::close).block(T);
            assertThat(status).isEqualTo("running");
            // three more sessions, one after another: one channel each, no retry
            Flux.range(0, 3).concatMap(i -> Mono.usingWhen(QmpClient.connect(monitor),
                    q -> q.execute(QmpCommands.queryStatus()), QmpClient::close)).then().block(T);

            assertThat(host.forwardedConnections()).isEqualTo(before + 4);
            assertThat(host.openForwards()).isZero();
        }
    }

    @Test
    void anAgentClientThatWritesFirstLosesNothingWhileItsChannelOpens() {
        // QGA has no greeting: the client's resync is written before the SSH channel is confirmed
        try (HostQemuGa ga = HostQemuGa.start()) {
            PeerAddress agent = stream((SshUnixSocket) host.reachUnixSocket(ga.socket().toString()).block(T));
            long before = host.forwardedConnections();

            Mono.usingWhen(QgaClient.connect(agent), QgaClient::ping, QgaClient::close).block(T);

            assertThat(host.forwardedConnections()).isEqualTo(before + 1);
            assertThat(host.openForwards()).isZero();
        }
    }

    @Test
    void onceTheSessionIsUpAChannelOpensOnTheThreadThatAsksWithNoHopToAnother() throws IOException {
        // a StreamOpener is called on a bounded-elastic worker: a second hop there was a wake-up on every connect
        try (QemuMachineNone qemu = QemuMachineNone.start()) {
            SshUnixSocket socket = (SshUnixSocket) host.reachUnixSocket(qemu.qmpSocket().toString()).block(T);
            Thread[] threads = new Thread[2];
            OutputStream toPeer = Mono.defer(() -> {
                        threads[0] = Thread.currentThread();
                        return socket.open(OutputStream.nullOutputStream());
                    })
                    .doOnNext(opened -> threads[1] = Thread.currentThread())
                    .subscribeOn(Schedulers.boundedElastic())
                    .block(T);
            try {
                assertThat(threads[1]).isSameAs(threads[0]);
            } finally {
                toPeer.close();
            }
        }
    }

    private static PeerAddress stream(SshUnixSocket socket) {
        return PeerAddress.stream(socket.toString(), socket);
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(java.util.stream.Collectors.toSet());
    }
}
