package io.qemureactor.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.exceptions.QmpConnectException;
import io.qemureactor.exceptions.QmpTimeoutException;
import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.PeerLiveness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Connecting while QEMU starts, to a QEMU that died, and to nothing. Each test owns its process. */
@Timeout(60)
class QmpConnectIT {

    @Test
    void connectRetriesUntilQemuHasCreatedItsSocket() {
        try (QemuMachineNone qemu = QemuMachineNone.startWithoutWaiting(List.of())) {
            // the connect starts before the socket exists (QEMU is still starting)
            CompletableFuture<QmpClient> connected = QmpClient.connect(qemu.qmpAddress(),
                    QmpConnectOptions.defaults().withLiveness(PeerLiveness.ofProcess(qemu.process().toHandle())))
                    .toFuture();
            QmpClient client = connected.join();
            assertThat(client.execute(QmpCommands.queryStatus()).block(Duration.ofSeconds(10)).running()).isTrue();
            client.close().block(Duration.ofSeconds(5));
        }
    }

    @Test
    void aQemuThatDiesBeforeCreatingItsSocketFailsTheConnectAtOnce() {
        try (QemuMachineNone qemu = QemuMachineNone.startWithoutWaiting(List.of("-no-such-option"))) {
            long start = System.nanoTime();
            CompletableFuture<QmpClient> connected = QmpClient.connect(qemu.qmpAddress(),
                    QmpConnectOptions.defaults().withConnectTimeout(Duration.ofSeconds(30))
                            .withLiveness(PeerLiveness.ofProcess(qemu.process().toHandle())))
                    .toFuture();
            assertThat(connected).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                    .isInstanceOf(QmpConnectException.class).withMessageContaining("not alive");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void nothingListeningFailsWithATimeoutNamingTheLastError(@TempDir Path dir) {
        Path socket = dir.resolve("absent.sock");
        assertThat(Files.exists(socket)).isFalse();
        CompletableFuture<QmpClient> connected = QmpClient.connect(PeerAddress.unix(socket),
                QmpConnectOptions.defaults().withConnectTimeout(Duration.ofMillis(500))).toFuture();
        assertThat(connected).failsWithin(Duration.ofSeconds(5)).withThrowableThat().havingCause()
                .isInstanceOf(QmpTimeoutException.class).withMessageContaining(socket.toString())
                .withMessageContaining("last error");
    }
}
