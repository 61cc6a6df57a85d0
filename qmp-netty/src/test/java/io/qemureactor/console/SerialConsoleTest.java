package io.qemureactor.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/**
 * Line framing of the console against a scripted peer on a unix socket: what a guest's output
 * looks like on the wire (CRLF, lines split across reads, a final line without newline).
 */
class SerialConsoleTest {

    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private QmpResources resources;

    @BeforeEach
    void listen() throws Exception {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("console.sock")));
        resources = QmpResources.create("test-console", 1);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        resources.dispose();
    }

    private SerialConsole connect() {
        return SerialConsole.connect(PeerAddress.unix(dir.resolve("console.sock")), resources, ConnectPolicy.defaults()).block(T);
    }

    private static void send(SocketChannel peer, String text) throws Exception {
        peer.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void splitsCrLfLinesArrivingInPiecesAndCompletesAtEof() throws Exception {
        SerialConsole console = connect();
        try (SocketChannel peer = server.accept()) {
            send(peer, "[    0.000000] Linux version 6.1\r\n[    1.2] Run /init\r");
            Thread.sleep(50);
            send(peer, "\nqemu-reactor-gu");
            Thread.sleep(50);
            send(peer, "est: ready\r\n");
            StepVerifier.create(console.lines().take(3))
                    .expectNext("[    0.000000] Linux version 6.1", "[    1.2] Run /init", "qemu-reactor-guest: ready")
                    .expectComplete()
                    .verify(T);
        }
        StepVerifier.create(console.lines().filter(l -> false)).expectComplete().verify(T);
    }

    @Test
    void aLateSubscriberSeesRecentHistoryThenLiveLines() throws Exception {
        SerialConsole console = connect();
        try (SocketChannel peer = server.accept()) {
            send(peer, "early\n");
            assertThat(waitForTail(console, "early")).isTrue();
            StepVerifier.create(console.lines().take(2))
                    .expectNext("early")
                    .then(() -> {
                        try {
                            send(peer, "late\n");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .expectNext("late")
                    .expectComplete()
                    .verify(T);
            assertThat(console.tail(1)).containsExactly("late");
        }
    }

    @Test
    void writesReachThePeer() throws Exception {
        SerialConsole console = connect();
        try (SocketChannel peer = server.accept()) {
            console.write("\n").block(T);
            ByteBuffer buf = ByteBuffer.allocate(1);
            peer.read(buf);
            assertThat(buf.array()).containsExactly('\n');
            console.close().block(T);
            console.onClose().block(T);
        }
    }

    @Test
    void aLineOverTheLimitIsSkippedAndTheConsoleGoesOn() throws Exception {
        SerialConsole console = connect();
        try (SocketChannel peer = server.accept()) {
            send(peer, "before\r\n" + "x".repeat(NettySerialConsole.MAX_LINE + 4096) + "\r\nafter\r\n");
            StepVerifier.create(console.lines().take(2))
                    .expectNext("before", "after")
                    .expectComplete()
                    .verify(T);
            assertThat(console.tail(5)).containsExactly("before", "after");
        }
        StepVerifier.create(console.onClose()).expectComplete().verify(T);
    }

    /**
     * Fault injection: the peer resets the connection (Linux resets a unix stream socket whose
     * owner closes it with unread data in its receive queue). The console reports it like the QMP
     * and QGA clients do, instead of ending as if the VM had stopped.
     */
    @Test
    void anIoErrorEndsTheLinesAndOnCloseWithAClosedErrorNamingTheSocket() throws Exception {
        SerialConsole console = connect();
        try (SocketChannel peer = server.accept()) {
            send(peer, "booting\n");
            assertThat(waitForTail(console, "booting")).isTrue();
            console.write("unread by the peer\n").block(T);
        } // closed with unread data: the console's next read fails with ECONNRESET
        StepVerifier.create(console.lines())
                .expectNext("booting")
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(QmpConnectionClosedException.class)
                        .hasMessageContaining("console.sock")
                        .hasCauseInstanceOf(java.io.IOException.class))
                .verify(T);
        StepVerifier.create(console.onClose()).expectError(QmpConnectionClosedException.class).verify(T);
        StepVerifier.create(console.close()).expectComplete().verify(T);
    }

    private static boolean waitForTail(SerialConsole console, String line) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (console.tail(1).contains(line)) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
