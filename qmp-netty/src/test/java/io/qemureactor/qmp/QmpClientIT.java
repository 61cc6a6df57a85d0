package io.qemureactor.qmp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.exceptions.QmpCommandException;
import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.testing.QemuMachineNoneExtension;
import io.qemureactor.transport.QmpResources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The QMP client against one real QEMU ({@code -machine none}); each test opens its own session. */
@Timeout(60)
class QmpClientIT {

    @RegisterExtension
    static final QemuMachineNoneExtension QEMU = new QemuMachineNoneExtension();

    private static final QmpResources RESOURCES = QmpResources.create("qmp-it", 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private QmpClient client;

    @BeforeEach
    void connect() {
        client = QmpClient.connect(QEMU.qemu().qmpAddress(), QmpConnectOptions.defaults().withResources(RESOURCES))
                .block(WAIT);
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close().block(WAIT);
        }
    }

    @AfterAll
    static void disposeResources() {
        RESOURCES.disposeLater().block(WAIT);
    }

    @Test
    void negotiatesAndReportsTheVersion() {
        assertThat(client.isOpen()).isTrue();
        assertThat(client.version().major()).isGreaterThanOrEqualTo(7);
        assertThat(client.greeting().capabilities()).contains("oob");
        assertThat(client.oobEnabled()).isFalse();
        QmpVersion queried = client.execute(QmpCommands.queryVersion()).block(WAIT);
        assertThat(queried).isEqualTo(client.version());
    }

    @Test
    void negotiatesOutOfBandWhenAskedFor() {
        client.close().block(WAIT);
        client = QmpClient.connect(QEMU.qemu().qmpAddress(),
                QmpConnectOptions.defaults().withResources(RESOURCES).withOob(true)).block(WAIT);
        assertThat(client.oobEnabled()).isTrue();
        assertThat(client.execute(QmpCommands.queryStatus()).block(WAIT).running()).isTrue();
    }

    @Test
    void queriesStatusVersionKvmAndCpus() {
        StatusInfo status = client.execute(QmpCommands.queryStatus()).block(WAIT);
        assertThat(status).isEqualTo(new StatusInfo("running", true));
        KvmInfo kvm = client.execute(QmpCommands.queryKvm()).block(WAIT);
        assertThat(kvm.enabled()).as("tests run under TCG").isFalse();
        List<CpuInfoFast> cpus = client.execute(QmpCommands.queryCpusFast()).block(WAIT);
        assertThat(cpus).as("-machine none has no vCPUs").isEmpty();
    }

    @Test
    void stopAndContProduceStopAndResumeEvents() {
        QmpEvent stop = client.awaitEvent("STOP", client.execute(QmpCommands.stop())).block(WAIT);
        assertThat(stop.name()).isEqualTo("STOP");
        assertThat(client.execute(QmpCommands.queryStatus()).block(WAIT).running()).isFalse();

        QmpEvent resume = client.awaitEvent("RESUME", client.execute(QmpCommands.cont())).block(WAIT);
        assertThat(resume.timestamp()).isAfterOrEqualTo(stop.timestamp());
        assertThat(client.execute(QmpCommands.queryStatus()).block(WAIT).running()).isTrue();
    }

    @Test
    void everySubscriberOfEventsSeesTheEvents() {
        Mono<List<String>> first = client.events().map(QmpEvent::name).take(2).collectList().cache();
        Mono<List<String>> second = client.events().map(QmpEvent::name).take(2).collectList().cache();
        first.subscribe();
        second.subscribe();
        client.execute(QmpCommands.stop()).then(client.execute(QmpCommands.cont())).block(WAIT);
        assertThat(first.block(WAIT)).containsExactly("STOP", "RESUME");
        assertThat(second.block(WAIT)).containsExactly("STOP", "RESUME");
    }

    @Test
    void aThousandPipelinedCommandsAllGetTheirOwnReply() {
        String[] commands = {"query-status", "query-version", "query-kvm", "query-name"};
        String[] expectedMember = {"status", "qemu", "present", null};
        List<Boolean> correct = Flux.range(0, 1000)
                .flatMap(i -> client.execute(commands[i % 4]).map(reply -> matches(reply, expectedMember[i % 4])),
                        1000)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(correct).hasSize(1000).containsOnly(true);
    }

    private static boolean matches(JsonNode reply, String member) {
        // query-name on an unnamed VM returns {}; the others have a member of their own
        return member == null ? reply.isObject() && reply.size() == 0 : reply.has(member);
    }

    @Test
    void anUnknownCommandFailsWithQemusErrorAndTheSessionGoesOn() {
        StepVerifier.create(client.execute("no-such-command"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(QmpCommandException.class, c -> {
                    assertThat(c.errorClass()).isEqualTo("CommandNotFound");
                    assertThat(c.command()).isEqualTo("no-such-command");
                }))
                .verify(WAIT);
        assertThat(client.execute(QmpCommands.queryStatus()).block(WAIT).running()).isTrue();
    }

    @Test
    void closeIsIdempotentAndFreesTheMonitorForTheNextClient() {
        client.close().block(WAIT);
        client.close().block(WAIT);
        assertThat(client.isOpen()).isFalse();
        client = QmpClient.connect(QEMU.qemu().qmpAddress(), QmpConnectOptions.defaults().withResources(RESOURCES))
                .block(WAIT);
        assertThat(client.execute(QmpCommands.queryStatus()).block(WAIT).running()).isTrue();
    }

    @Test
    void theFixtureExposesThePid(QemuMachineNone qemu) {
        assertThat(qemu.pid()).isPositive();
        assertThat(qemu.isAlive()).isTrue();
    }
}
