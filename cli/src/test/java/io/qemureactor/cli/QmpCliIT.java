package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.QemuMachineNone;
import io.qemureactor.transport.PeerAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code qemu-reactor qmp} and {@code events} against a real QEMU: outputs and exit codes. */
class QmpCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static QemuMachineNone qemu;
    private static Path control;

    @BeforeAll
    static void start() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("qr-cli");
        control = dir.resolve("control.sock");
        // a second monitor: a QMP socket serves one client, and the events test needs someone to cause events
        qemu = QemuMachineNone.start(List.of("-qmp", "unix:" + control + ",server=on,wait=off"));
    }

    @AfterAll
    static void stop() {
        qemu.close();
        Fixtures.deleteTree(control.getParent());
    }

    private static String socket() {
        return qemu.qmpSocket().toString();
    }

    @Test
    void printsTheReturnValueAsJson() throws Exception {
        CliRun run = CliRun.of("qmp", "--socket", socket(), "query-status");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode status = JSON.readTree(run.out());
        assertThat(status.path("status").asText()).isIn("running", "prelaunch");
        assertThat(run.out().strip().lines()).hasSize(1);
    }

    @Test
    void passesArguments() throws Exception {
        CliRun run = CliRun.of("qmp", "--socket", socket(), "human-monitor-command", "{\"command-line\":\"info version\"}");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // "info version" through HMP: "7.2.22 (Debian ...)\r\n"
        assertThat(JSON.readTree(run.out()).asText()).containsPattern("^\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void aQmpErrorIsExit1WithClassAndDescription() {
        CliRun run = CliRun.of("qmp", "--socket", socket(), "query-bogus");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).isEqualTo("ERROR CommandNotFound: The command query-bogus has not been found");
    }

    @Test
    void badArgumentsJsonIsExit2NamingIt() {
        CliRun run = CliRun.of("qmp", "--socket", socket(), "query-status", "{nope");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("error: ARGS_JSON is not valid JSON").endsWith("{nope");
        assertThat(CliRun.of("qmp", "--socket", socket(), "query-status", "[1]").err().strip())
                .isEqualTo("error: ARGS_JSON must be a JSON object, got: [1]");
    }

    @Test
    void aMissingSocketIsExit2AtOnce() {
        CliRun run = CliRun.of("qmp", "--socket", "/nonexistent/qmp.sock", "query-status");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: cannot connect to /nonexistent/qmp.sock: no such socket");
    }

    @Test
    void aFrozenQemuIsATimeoutNotAHang() {
        qemu.freeze();
        try {
            CliRun run = CliRun.of("qmp", "--socket", socket(), "--timeout", "1s", "query-status");
            assertThat(run.exitCode()).isEqualTo(2);
            assertThat(run.err().strip().lines()).hasSize(1);
            assertThat(run.err()).startsWith("error: connecting to unix:").contains("did not complete within");
        } finally {
            qemu.thaw();
        }
    }

    @Test
    void eventsArePrintedAsJsonLinesAsTheyArrive() throws Exception {
        CompletableFuture<CliRun> events = CompletableFuture.supplyAsync(
                () -> CliRun.of("events", "--socket", socket(), "--count", "2", "--timeout", "60s"));
        // keep causing events until the command has seen two (it may connect after the first ones)
        QmpClient client = QmpClient.connect(PeerAddress.unix(control)).block(Duration.ofSeconds(20));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!events.isDone() && System.nanoTime() < deadline) {
                client.execute(QmpCommands.stop()).then(client.execute(QmpCommands.cont())).block(Duration.ofSeconds(10));
                Fixtures.pause(Duration.ofMillis(200));
            }
        } finally {
            client.close().block(Duration.ofSeconds(10));
        }
        CliRun run = events.get(10, TimeUnit.SECONDS);
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().strip().lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode e = JSON.readTree(line);
            assertThat(e.path("event").asText()).isIn("STOP", "RESUME");
            assertThat(e.path("timestamp").path("seconds").asLong()).isPositive();
        }
    }

    @Test
    void eventsWithATimeoutAndNoCountEndQuietly() {
        CliRun run = CliRun.of("events", "--socket", socket(), "--timeout", "500ms");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
    }

    @Test
    void traceShowsEveryFrameOnStderrAndKeepsStdoutTheResult() throws Exception {
        // the CLI as a user runs it: its own JVM and its own SLF4J provider (slf4j-simple, stderr)
        Path jar = Path.of("target", "qemu-reactor.jar").toAbsolutePath();
        Process cli = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(),
                "qmp", "--trace", "--socket", socket(), "query-status").start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(cli.getErrorStream()));
        String out = readAll(cli.getInputStream());
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(err.get()).isZero();
        assertThat(JSON.readTree(out).path("status").asText()).isIn("running", "prelaunch");
        assertThat(err.get())
                .contains("<- {\"QMP\"")                                   // the greeting
                .contains("-> {\"execute\":\"qmp_capabilities\"")
                .contains("-> {\"execute\":\"query-status\"")
                .containsPattern("<- \\{\"return\": ?\\{.*\"status\"");   // QEMU's own JSON has blanks
    }

    private static String readAll(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
