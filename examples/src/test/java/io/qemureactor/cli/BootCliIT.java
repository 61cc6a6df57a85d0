package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code qemu-reactor boot} booting the test guest under TCG, here and over SSH: the table, the
 * JSON document, --keep, the error lines, and that no QEMU is left behind. Each boot takes a few
 * seconds to a few tens of seconds on a busy 2-core machine; no test asserts a duration.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@ExtendWith(SshdExtension.class)
class BootCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runBase;

    private Set<Long> qemuBefore;
    private final List<Long> keptPids = new ArrayList<>();

    @BeforeEach
    void snapshot() {
        qemuBefore = qemuDescendants();
    }

    @AfterEach
    void killWhatATestKept() {
        keptPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(Fixtures::killAndWait));
    }

    /** QEMU processes below this JVM: the CLI's own (it runs in this JVM) and those under the test sshd. */
    private static Set<Long> qemuDescendants() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("qemu-system"))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private CliRun boot(String... args) {
        List<String> argv = new ArrayList<>(List.of("boot", "--accel", "tcg", "--run-dir", runBase.toString()));
        argv.addAll(List.of(args));
        return CliRun.of(argv.toArray(String[]::new));
    }

    private void assertNothingLeft() throws Exception {
        assertThat(Fixtures.await(Duration.ofSeconds(10), () -> {
            Set<Long> now = qemuDescendants();
            now.removeAll(qemuBefore);
            return now.isEmpty();
        })).as("no QEMU left running (before: %s, now: %s)", qemuBefore, qemuDescendants()).isTrue();
        try (var left = Files.list(runBase)) {
            assertThat(left.toList()).as("run folders left").isEmpty();
        }
    }

    private static void assertOneErrorLine(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(2);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("error: ");
        for (String f : fragments) {
            assertThat(run.err()).contains(f);
        }
    }

    @Test
    void bootsOneVmPrintsTheTableAndLeavesNothing() throws Exception {
        CliRun run = boot("--count", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).startsWith("vm1: launching");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("vm1: ready in \\d+ ms \\(pid \\d+, tcg\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("VM +PID +ACCEL +BOOT MS +VCPU THREADS +GUEST NICS"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("1/vm1 +\\d+ +tcg +\\d+ +0:\\d+ +-"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("1 VM ready on localhost in \\d+ ms \\(wall\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("vm1: stopped in \\d+ ms"));
        assertThat(lines).last().isEqualTo("all VMs stopped");
        assertNothingLeft();
    }

    @Test
    void jsonWithTwoVmsIsOneDocument() throws Exception {
        CliRun run = boot("--count", "2", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.path("wallMillis").asLong()).isPositive();
        JsonNode vms = doc.path("vms");
        assertThat(vms).hasSize(2);
        assertThat(vms.get(0).path("id").asInt()).isEqualTo(1);
        assertThat(vms.get(1).path("id").asInt()).isEqualTo(2);
        assertThat(vms.get(0).path("pid").asLong()).isNotEqualTo(vms.get(1).path("pid").asLong());
        for (JsonNode vm : vms) {
            assertThat(vm.path("name").asText()).matches("vm[12]");
            assertThat(vm.path("accel").asText()).isEqualTo("tcg");
            assertThat(vm.path("bootMillis").asLong()).isPositive();
            assertThat(vm.path("qmpSocket").asText()).startsWith(runBase.toString()).endsWith("/qmp.sock");
            assertThat(vm.path("qgaSocket").asText()).endsWith("/qga.sock");
            assertThat(vm.path("vcpus")).hasSize(1);
            assertThat(vm.path("vcpus").get(0).path("index").asInt()).isZero();
            assertThat(vm.path("vcpus").get(0).path("threadId").asLong()).isPositive();
            assertThat(vm.path("interfaces")).isEmpty();
        }
        assertNothingLeft();
    }

    /**
     * The agent probe, NICs mapped through the agent, and --keep: the VM stays up with its sockets
     * free for the user's tools; then {@code qga guest-shutdown} (no reply on success) powers it off.
     */
    @Test
    void keepLeavesTheVmToTheUsersToolsAndQgaShutsItDown() throws Exception {
        CliRun run = boot("--probe", "qga", "--nics", "2", "--keep", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode vm = JSON.readTree(run.out()).path("vms").get(0);
        long pid = vm.path("pid").asLong();
        keptPids.add(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("kept QEMU runs").hasValue(true);
        assertThat(vm.path("interfaces")).hasSize(2);
        assertThat(vm.path("interfaces").get(0).path("mac").asText()).isEqualTo("52:54:00:00:01:ff");
        assertThat(vm.path("interfaces").get(0).path("name").asText()).startsWith("eth");
        assertThat(vm.path("interfaces").get(1).path("mac").asText()).isEqualTo("52:54:00:00:01:80");
        String qmp = vm.path("qmpSocket").asText();
        String qga = vm.path("qgaSocket").asText();

        CliRun status = CliRun.of("qmp", "--socket", qmp, "query-status");
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(JSON.readTree(status.out()).path("status").asText()).isEqualTo("running");

        CliRun refused = CliRun.of("qga", "--socket", qga, "guest-shutdown", "{\"mode\":\"bogus\"}");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err()).startsWith("ERROR GenericError: mode is invalid");

        CliRun shutdown = CliRun.of("qga", "--socket", qga, "guest-shutdown");
        assertThat(shutdown.exitCode()).as(shutdown.err()).isZero();
        assertThat(shutdown.out()).isEmpty();
        assertThat(shutdown.err()).isEmpty();
        assertThat(Fixtures.await(Duration.ofSeconds(60), () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)))
                .as("QEMU exits after guest-shutdown").isTrue();
        Fixtures.deleteTree(Path.of(vm.path("runFolder").asText()));
        assertNothingLeft();
    }

    @ParameterizedTest
    @ValueSource(strings = {"disk", "kernel"})
    void bootsTheOtherFlavours(String mode) throws Exception {
        CliRun run = boot("--mode", mode);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^1/vm1 +\\d+ +tcg ");
        assertNothingLeft();
    }

    @Test
    void bootsOverSsh(Sshd sshd) throws Exception {
        CliRun run = boot("--host", sshd.uri(), "--identity", sshd.clientKey().toString(),
                "--known-hosts", sshd.knownHosts().toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.path("host").asText()).isEqualTo("ssh://" + sshd.user() + "@127.0.0.1:" + sshd.port());
        JsonNode vm = doc.path("vms").get(0);
        assertThat(vm.path("pid").asLong()).isPositive();
        assertThat(vm.path("vcpus")).hasSize(1);
        assertNothingLeft();
    }

    @Test
    void anUntrustedHostKeyIsOneLineSayingSo(Sshd sshd) throws Exception {
        Path empty = Files.createFile(runBase.resolve("known_hosts"));
        CliRun run = boot("--host", sshd.uri(), "--identity", sshd.clientKey().toString(),
                "--known-hosts", empty.toString());
        assertOneErrorLine(run, "host key not trusted", empty.toString());
        Files.delete(empty);
        assertNothingLeft();
    }

    @Test
    void aMissingImageIsOneLineNamingThePath() throws Exception {
        assertOneErrorLine(boot("--image", "/nonexistent/disk.img"), "/nonexistent/disk.img", "does not exist");
        assertNothingLeft();
    }

    @Test
    void tooLittleMemoryIsOneLineNamingTheField() throws Exception {
        CliRun run = boot("--mem", "1");
        assertOneErrorLine(run, "memoryMib", "1 is below the minimum of 128");
        assertThat(run.out()).isEmpty();
        assertNothingLeft();
    }

    @Test
    void aRunDirTooLongForSocketsIsOneLine() throws Exception {
        Path deep = runBase.resolve("x".repeat(60)).resolve("y".repeat(40));
        CliRun run = CliRun.of("boot", "--accel", "tcg", "--run-dir", deep.toString());
        assertOneErrorLine(run, "bytes", "--run-dir");
        assertThat(Fixtures.await(Duration.ofSeconds(10), () -> {
            try (var left = Files.list(deep)) {
                return left.findAny().isEmpty();
            } catch (java.io.IOException e) {
                return true; // never created
            }
        })).isTrue();
        Set<Long> now = qemuDescendants();
        now.removeAll(qemuBefore);
        assertThat(now).isEmpty();
    }
}
