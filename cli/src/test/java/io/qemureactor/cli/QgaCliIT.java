package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.HostQemuGaExtension;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code qemu-reactor qga} against a real qemu-ga on the host ({@code -m unix-listen}): outputs
 * and exit codes. The agent runs commands on this host as the test's user, so only harmless ones
 * are sent (never guest-shutdown or guest-suspend-*: BootCliIT sends those to a real guest).
 */
@Timeout(120)
class QgaCliIT {

    @RegisterExtension
    static final HostQemuGaExtension AGENT = new HostQemuGaExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String socket() {
        return AGENT.agent().socket().toString();
    }

    @Test
    void guestPingPrintsAnEmptyObject() {
        CliRun run = CliRun.of("qga", "--socket", socket(), "guest-ping");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip()).isEqualTo("{}");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void guestInfoPrintsTheAgentsVersionAsOneJsonLine() throws Exception {
        CliRun run = CliRun.of("qga", "--socket", socket(), "guest-info");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().strip().lines()).hasSize(1);
        JsonNode info = JSON.readTree(run.out());
        assertThat(info.path("version").asText()).matches("\\d+\\.\\d+.*");
        assertThat(info.path("supported_commands").isArray()).isTrue();
    }

    @Test
    void guestExecPassesTheArgumentsJson() throws Exception {
        CliRun exec = CliRun.of("qga", "--socket", socket(), "guest-exec",
                "{\"path\":\"/bin/echo\",\"arg\":[\"hi\"],\"capture-output\":true}");
        assertThat(exec.exitCode()).as(exec.err()).isZero();
        long pid = JSON.readTree(exec.out()).path("pid").asLong();
        assertThat(pid).isPositive();

        // the agent reports the program's end through guest-exec-status: poll until it has exited
        AtomicReference<JsonNode> status = new AtomicReference<>();
        assertThat(Fixtures.await(Duration.ofSeconds(30), () -> {
            CliRun run = CliRun.of("qga", "--socket", socket(), "guest-exec-status", "{\"pid\":" + pid + "}");
            try {
                status.set(JSON.readTree(run.out()));
            } catch (Exception e) {
                throw new IllegalStateException(run.err(), e);
            }
            return status.get().path("exited").asBoolean();
        })).as("guest-exec-status says exited").isTrue();
        assertThat(status.get().path("exitcode").asInt()).isZero();
        assertThat(status.get().path("out-data").asText()).isEqualTo("aGkK"); // base64 of "hi\n"
    }

    @Test
    void anUnknownCommandIsExit1WithClassAndDescription() {
        CliRun run = CliRun.of("qga", "--socket", socket(), "guest-bogus");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("ERROR CommandNotFound: The command guest-bogus has not been found");
    }

    @Test
    void badArgumentsJsonIsExit2NamingIt() {
        CliRun run = CliRun.of("qga", "--socket", socket(), "guest-exec", "{nope");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).startsWith("error: ARGS_JSON is not valid JSON").endsWith("{nope");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void aMissingSocketIsExit2AtOnce() {
        CliRun run = CliRun.of("qga", "--socket", "/nonexistent/qga.sock", "guest-ping");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: cannot connect to /nonexistent/qga.sock: no such socket");
    }

    @Test
    void aFrozenAgentIsATimeoutNotAHang() {
        AGENT.agent().freeze();
        try {
            CliRun run = CliRun.of("qga", "--socket", socket(), "--timeout", "1s", "guest-ping");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err().strip()).isEqualTo("error: the guest agent at unix:" + socket()
                    + " did not answer within 1s (is qemu-ga running in the guest?)");
        } finally {
            AGENT.agent().thaw();
        }
        // and it answers again once thawed (the next client resynchronises past the stale reply)
        CliRun again = CliRun.of("qga", "--socket", socket(), "guest-ping");
        assertThat(again.exitCode()).as(again.err()).isZero();
    }
}
