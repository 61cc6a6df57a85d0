package io.qemureactor.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.qga.ExecResult;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.testing.HostQemuGa;
import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.PeerLiveness;
import io.qemureactor.transport.QmpResources;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * docs/qmp.md's examples, verbatim (DocSnippetsTest checks the text), run against a real QEMU
 * ({@code -machine none}) and a real qemu-ga on the host; the virtual-time example is in QmpClientTest.
 */
@Timeout(60)
class QmpDocSnippetsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void connectingExampleReadsTheStatus() {
        QemuMachineNone qemu = QemuMachineNone.start();
        try {
            Path runFolder = qemu.directory();
            PeerAddress qmp = PeerAddress.unix(runFolder.resolve("qmp.sock"));  // or PeerAddress.tcp("127.0.0.1", 4444)

            Mono<StatusInfo> status = Mono.usingWhen(
                    QmpClient.connect(qmp),                                // greeting + qmp_capabilities, retried until the socket is up
                    client -> client.execute(QmpCommands.queryStatus()),   // typed; execute("query-status") gives the JsonNode
                    QmpClient::close);
            assertThat(status.block(WAIT).status()).isIn("running", "prelaunch");
        } finally {
            qemu.close();
        }
    }

    @Test
    void optionsAndEventExamplesSeeTheStopEvent() {
        QemuMachineNone qemu = QemuMachineNone.start();
        try {
            Process qemuProcess = qemu.process();
            QmpConnectOptions options = QmpConnectOptions.defaults()
                    .withConnectTimeout(Duration.ofSeconds(10))
                    .withLiveness(PeerLiveness.ofProcess(qemuProcess.toHandle()))
                    .withCommandTimeout(Duration.ofSeconds(5));
            QmpClient client = QmpClient.connect(qemu.qmpAddress(), options).block(WAIT);
            try {
                Mono<QmpEvent> stopped = client.awaitEvent("STOP", client.execute(QmpCommands.stop()))    // events subscribed first, then stop runs
                        .timeout(Duration.ofSeconds(5));
                assertThat(stopped.block(WAIT).name()).isEqualTo("STOP");
            } finally {
                client.close().block(WAIT);
            }
        } finally {
            qemu.close();
        }
    }

    @Test
    void agentExampleRunsUname() {
        HostQemuGa ga = HostQemuGa.start();
        try {
            Path runFolder = ga.directory();
            QmpConnectOptions options = QmpConnectOptions.defaults()
                    .withSyncTimeout(Duration.ofSeconds(2))
                    .withExecTimeout(Duration.ofMinutes(1));
            Mono<ExecResult> uname = Mono.usingWhen(QgaClient.connect(PeerAddress.unix(runFolder.resolve("qga.sock")), options),
                    agent -> agent.exec("/bin/uname", "-r"),
                    QgaClient::close);
            ExecResult result = uname.block(WAIT);
            assertThat(result.exitCode()).isZero();
            assertThat(result.stdout()).isNotBlank();
        } finally {
            ga.close();
        }
    }

    @Test
    void resourcesExampleServesAClientAndDisposes() {
        QemuMachineNone qemu = QemuMachineNone.start();
        try {
            PeerAddress qmp = qemu.qmpAddress();
            QmpResources resources = QmpResources.create("my-harness-io", 2);
            QmpConnectOptions options = QmpConnectOptions.defaults().withResources(resources);
            StatusInfo status = Mono.usingWhen(QmpClient.connect(qmp, options),        // clients on these loops
                    client -> client.execute(QmpCommands.queryStatus()), QmpClient::close).block();
            resources.disposeLater().block();
            assertThat(status.status()).isIn("running", "prelaunch");
        } finally {
            qemu.close();
        }
    }
}
