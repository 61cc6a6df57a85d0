package io.qemureactor.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.testing.QemuMachineNoneExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

/** {@code quit} on a real QEMU: the command completes, the EOF after it is a normal end. */
@Timeout(60)
@ExtendWith(QemuMachineNoneExtension.class)
class QmpQuitIT {

    @Test
    void quitCompletesAndTheSessionEndsNormally(QemuMachineNone qemu) {
        QmpClient client = QmpClient.connect(qemu.qmpAddress()).block(Duration.ofSeconds(10));

        StepVerifier.create(client.awaitEvent("SHUTDOWN", client.execute(QmpCommands.quit())))
                .assertNext(e -> assertThat(e.data().get("reason").asText()).isEqualTo("host-qmp-quit"))
                .verifyComplete();
        StepVerifier.create(client.onClose()).expectComplete().verify(Duration.ofSeconds(5));
        StepVerifier.create(client.events()).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(qemu.waitForExit(Duration.ofSeconds(10))).as("QEMU exited").isTrue();
        StepVerifier.create(client.close()).verifyComplete();
    }
}
