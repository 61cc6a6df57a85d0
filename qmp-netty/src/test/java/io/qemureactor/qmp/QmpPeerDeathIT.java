package io.qemureactor.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.testing.QemuMachineNoneExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** QEMU dies (SIGKILL) while a command waits: the command fails at once with the closed error. */
@Timeout(60)
@ExtendWith(QemuMachineNoneExtension.class)
class QmpPeerDeathIT {

    @Test
    void aPendingCommandFailsWithinASecondWhenQemuIsKilled(QemuMachineNone qemu) throws Exception {
        QmpClient client = QmpClient.connect(qemu.qmpAddress()).block(Duration.ofSeconds(10));
        qemu.freeze(); // SIGSTOP: the command below cannot be answered
        CompletableFuture<JsonNode> pending = client.execute("query-status").toFuture();
        Thread.sleep(200);
        assertThat(pending).isNotDone();

        long killedAt = System.nanoTime();
        qemu.kill();
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> pending.get(1, TimeUnit.SECONDS));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

        assertThat(failure.getCause()).isInstanceOf(QmpConnectionClosedException.class)
                .hasMessageContaining(qemu.qmpSocket().toString());
        assertThat(elapsedMs).isLessThan(1000);
        assertThat(client.isOpen()).isFalse();
        client.close().block(Duration.ofSeconds(5));
    }
}
