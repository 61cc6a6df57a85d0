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

    /** Topology and known_hosts files (runBase must end empty). */
    @TempDir
    Path files;

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
        assertThat(lines).startsWith("vm1 on localhost: launched", "vm1 on localhost: qmp connected");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("vm1 on localhost: ready in \\d+ ms"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("VM +HOST +PID +ACCEL +BOOT MS +VCPU THREADS +GUEST NICS"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("1/vm1 +localhost +\\d+ +tcg +\\d+ +0:\\d+ +-"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("1 VM ready on localhost in \\d+ ms \\(wall\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("vm1 on localhost: stopped in \\d+ ms"));
        assertThat(lines).last().isEqualTo("all VMs stopped");
        assertThat(run.out()).doesNotContain("\033[");
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
        assertThat(doc.path("host").asText()).isEqualTo("localhost");
        assertThat(doc.path("failed")).isEmpty();
        for (JsonNode vm : vms) {
            assertThat(vm.path("name").asText()).matches("vm[12]");
            assertThat(vm.path("host").asText()).isEqualTo("localhost");
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
        assertThat(run.out()).containsPattern("(?m)^1/vm1 +localhost +\\d+ +tcg ");
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
        assertThat(vm.path("host").asText()).isEqualTo(doc.path("host").asText());
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

    /** The table's rows: VM name to its cells (VM, HOST, PID, ACCEL, BOOT MS, ...). */
    private static java.util.Map<String, List<String>> rows(CliRun run) {
        return run.out().lines()
                .filter(l -> l.matches("\\d+/vm\\d+ .*"))
                .map(l -> List.of(l.split(" {2,}")))
                .collect(Collectors.toMap(cells -> cells.get(0).replaceFirst("^\\d+/", ""), cells -> cells));
    }

    /**
     * Three VMs, two at a time: all come up on three QEMUs, each reports its QMP session, and the
     * third launch waits for a slot (it begins only after one of the first two was ready).
     */
    @Test
    void withConcurrencyTwoTheThirdVmLaunchesAfterTheFirstIsReady() throws Exception {
        CliRun run = boot("--count", "3", "--concurrency", "2");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        for (String vm : List.of("vm1", "vm2", "vm3")) {
            assertThat(lines).as(run.out()).contains(vm + " on localhost: launched", vm + " on localhost: qmp connected");
            assertThat(lines).anySatisfy(l -> assertThat(l).matches(vm + " on localhost: ready in \\d+ ms"));
            assertThat(lines).anySatisfy(l -> assertThat(l).matches(vm + " on localhost: stopped in \\d+ ms"));
        }
        int firstReady = lines.indexOf(lines.stream().filter(l -> l.contains(": ready in ")).findFirst().orElseThrow());
        assertThat(lines.indexOf("vm3 on localhost: launched")).as(run.out()).isGreaterThan(firstReady);
        var table = rows(run);
        assertThat(table).containsOnlyKeys("vm1", "vm2", "vm3");
        assertThat(table.values().stream().map(r -> r.get(2)).collect(Collectors.toSet())).as(run.out()).hasSize(3);
        assertThat(lines).contains("all VMs stopped");
        assertNothingLeft();
    }

    private Path topology(String secondHost) throws Exception {
        Path file = files.resolve("topology.json");
        Files.writeString(file, """
                {"hosts": [
                  {"name": "local", "uri": "local", "maxVms": 1},
                  %s
                ]}
                """.formatted(secondHost));
        return file;
    }

    /** A topology of this machine and the test sshd, one VM slot each: one VM on each host. */
    @Test
    void hostsFilePlacesTheVmsAcrossLocalAndSsh(Sshd sshd) throws Exception {
        Path file = topology("""
                {"name": "dut1", "uri": "%s", "identity": "%s", "knownHosts": "%s", "maxVms": 1}"""
                .formatted(sshd.uri(), sshd.clientKey(), sshd.knownHosts()));

        CliRun run = boot("--count", "2", "--hosts", file.toString());
        System.out.println(run.out() + run.err()); // for the failsafe report

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        var table = rows(run);
        assertThat(table).containsOnlyKeys("vm1", "vm2");
        assertThat(table.values().stream().map(r -> r.get(1)).toList()).containsExactlyInAnyOrder("local", "dut1");
        for (String vm : List.of("vm1", "vm2")) {
            String host = table.get(vm).get(1);
            assertThat(run.out()).contains(vm + " on " + host + ": launched", vm + " on " + host + ": qmp connected");
        }
        assertThat(run.out()).containsPattern("(?m)^2 VMs ready on local, dut1 in \\d+ ms \\(wall\\)$");
        assertNothingLeft();

        assertOneErrorLine(boot("--hosts", file.toString(), "--host", sshd.uri()), "--hosts and --host");
        assertOneErrorLine(boot("--hosts", files.resolve("nonexistent.json").toString()), "no such file");
    }

    /**
     * Best effort: vm1 goes to this machine, vm2 to an SSH host whose key is not trusted, so vm2 cannot
     * boot; vm1 stays up until the report is printed, vm2 is reported, and the exit status is 2.
     */
    @Test
    void bestEffortKeepsWhatCameUpAndReportsTheRest(Sshd sshd) throws Exception {
        Path empty = Files.createFile(files.resolve("empty_known_hosts"));
        Path file = topology("""
                {"name": "untrusted", "uri": "%s", "identity": "%s", "knownHosts": "%s", "maxVms": 1}"""
                .formatted(sshd.uri(), sshd.clientKey(), empty));

        CliRun run = boot("--count", "2", "--hosts", file.toString(), "--best-effort");
        System.out.println(run.out() + run.err()); // for the failsafe report

        assertOneErrorLine(run, "1 of 2 VMs did not come up (best effort)", "vm2 on untrusted", "host key not trusted");
        var table = rows(run);
        assertThat(table).containsOnlyKeys("vm1");
        assertThat(table.get("vm1").get(1)).isEqualTo("local");
        assertThat(run.out()).contains("vm2 on untrusted: launched");
        assertThat(run.out()).containsPattern("(?m)^vm2 on untrusted: FAILED: .*host key not trusted");
        assertThat(run.out()).containsPattern("(?m)^1 of 2 VMs ready on local in \\d+ ms \\(wall\\)$");
        assertThat(run.out()).containsPattern("(?m)^vm1 on local: stopped in \\d+ ms$");
        assertThat(run.out()).contains("all VMs stopped");
        assertNothingLeft();

        // the same without --best-effort: all or nothing, vm1 is stopped again
        CliRun strict = boot("--count", "2", "--hosts", file.toString(), "--json");
        assertOneErrorLine(strict, "vm2 on untrusted", "host key not trusted");
        assertThat(strict.out()).isEmpty();
        assertNothingLeft();
    }

    /** A network function as the kernel VM's init: ready on its line, then stopped (no agent: QMP quit). */
    @Test
    void aKernelVmWhoseFunctionStaysUpIsReadyAndStoppedAfter() throws Exception {
        CliRun run = boot("--mode", "kernel", "--function", "echo Press enter to exit; exec sleep 600");

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("(?m)^vm1 on localhost: ready in \\d+ ms$");
        assertThat(run.out()).containsPattern("(?m)^1/vm1 +localhost +\\d+ +tcg ");
        assertThat(run.out()).containsPattern("(?m)^vm1 on localhost: stopped in \\d+ ms$");
        assertThat(run.out().lines().toList()).last().isEqualTo("all VMs stopped");
        assertNothingLeft();
    }

    /**
     * A function that exits fails the boot: one line that says so, nothing left. The ready line is in
     * the command itself ("exit 3"), so the init script's "starting function: /bin/sh -c ..." line, which
     * quotes the command, must not count as ready.
     */
    @Test
    void aFunctionThatExitsFailsTheBoot() throws Exception {
        CliRun run = boot("--mode", "kernel", "--function", "echo bye; exit 3", "--ready-line", "exit 3");

        assertOneErrorLine(run, "vm1", "function exited with status 3");
        assertThat(run.out()).containsPattern("(?m)^vm1 on localhost: FAILED: ");
        assertNothingLeft();
    }

    @Test
    void functionOptionsNeedKernelMode() throws Exception {
        assertOneErrorLine(boot("--function", "sleep 600"), "--function needs --mode kernel");
        assertOneErrorLine(boot("--mode", "disk", "--function", "sleep 600"), "--function needs --mode kernel");
        assertOneErrorLine(boot("--ready-line", "up"), "--ready-line goes with --function");
        assertOneErrorLine(boot("--mode", "kernel", "--function", "sleep 600", "--ready-line", " "), "--function", "blank");
        assertNothingLeft();
    }
}
