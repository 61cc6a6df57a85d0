package io.qemureactor.qga;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.exceptions.QmpCommandException;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.testing.HostQemuGa;
import io.qemureactor.testing.HostQemuGaExtension;
import io.qemureactor.transport.QmpResources;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The guest-agent client against a real qemu-ga on the host ({@code -m unix-listen}). */
@Timeout(60)
class QgaClientIT {

    @RegisterExtension
    static final HostQemuGaExtension AGENT = new HostQemuGaExtension();

    private static final QmpResources RESOURCES = QmpResources.create("qga-it", 1);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private QgaClient client;

    @BeforeEach
    void connect() {
        client = QgaClient.connect(AGENT.agent().address(), QmpConnectOptions.defaults().withResources(RESOURCES))
                .block(WAIT);
    }

    @AfterEach
    void close() {
        client.close().block(WAIT);
    }

    @AfterAll
    static void disposeResources() {
        RESOURCES.disposeLater().block(WAIT);
    }

    @Test
    void anAgentThatIsReadyAnswersPing() {
        client.awaitReady(WAIT).block(WAIT);
        StepVerifier.create(client.ping()).expectComplete().verify(WAIT);
    }

    @Test
    void infoListsTheAgentsCommands() {
        GuestInfo info = client.info().block(WAIT);
        assertThat(info.version()).startsWith("7.");
        assertThat(info.supports("guest-exec")).isTrue();
        assertThat(info.commands()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("guest-shutdown");
            assertThat(c.successResponse()).isFalse();
        });
    }

    @Test
    void execEchoesHi() {
        ExecResult result = client.exec("/bin/echo", "hi").block(WAIT);
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).isEqualTo("hi\n");
        assertThat(result.stderr()).isEmpty();
    }

    @Test
    void execReportsExitCodeAndStandardError() {
        ExecResult result = client.exec("/bin/sh", "-c", "echo oops >&2; exit 3").block(WAIT);
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.stderr()).isEqualTo("oops\n");
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void networkInterfacesIncludeLoopback() {
        List<GuestNetworkInterface> nics = client.networkInterfaces().block(WAIT);
        assertThat(nics).anySatisfy(nic -> {
            assertThat(nic.name()).isEqualTo("lo");
            assertThat(nic.macAddress()).isEqualTo("00:00:00:00:00:00");
            assertThat(nic.ipAddresses()).contains(new GuestIpAddress("ipv4", "127.0.0.1", 8));
        });
    }

    @Test
    void anUnknownCommandFailsWithTheAgentsError() {
        StepVerifier.create(client.execute("guest-no-such-command", null))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(QmpCommandException.class,
                        c -> assertThat(c.errorClass()).isEqualTo("CommandNotFound")))
                .verify(WAIT);
        StepVerifier.create(client.ping()).expectComplete().verify(WAIT);
    }

    @Test
    void manyConcurrentCallersAreServedOneAtATime() {
        List<String> versions = Flux.range(0, 50)
                .flatMap(i -> client.info().map(GuestInfo::version), 50)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(versions).hasSize(50).containsOnly(versions.get(0));
    }

    @Test
    void aCommandCancelledInFlightDoesNotShiftTheNextReply() {
        // guest-exec-status for a slow program: cancel the exec while its status poll is out
        client.exec("/bin/sleep", "5").timeout(Duration.ofMillis(200)).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .block(WAIT);
        ExecResult result = client.exec("/bin/echo", "after").block(WAIT);
        assertThat(result.stdout()).isEqualTo("after\n");
    }

    @Test
    void theFixtureKeepsItsFilesInAPrivateFolder(HostQemuGa agent) {
        assertThat(agent.socket().getParent()).isEqualTo(agent.directory());
        assertThat(agent.socket().toString().getBytes(StandardCharsets.UTF_8).length).isLessThan(108);
    }
}
