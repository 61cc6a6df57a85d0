package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's JVM killed with SIGKILL (no shutdown hook runs): each host's reaper stops its QEMUs and
 * removes their run folders, here and over SSH, mid-boot and with the VMs up; {@code --keep} VMs are
 * left alone. Terminated with SIGTERM (as Ctrl-C), its shutdown hook stops everything before the JVM exits;
 * {@code --hold} ends with its input. The CLI runs as a user runs it, {@code java -jar qemu-reactor.jar}, in its own JVM; the
 * only pid this test kills is that JVM's (and, at the end, the QEMU it kept). No timed assertion: the
 * checks poll with generous deadlines.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ExtendWith(SshdExtension.class)
class CliKillIT {

    private static final Path JAR = Path.of("target", "qemu-reactor.jar").toAbsolutePath();
    private static final Duration STARTED = Duration.ofMinutes(3);
    /** The reaper acts within its grace (0 local, 5 s SSH) plus a few seconds; this bound only catches a hang. */
    private static final Duration GONE = Duration.ofSeconds(90);

    @TempDir
    Path runBase;

    @TempDir
    Path files;

    private Process cli;
    private final List<Long> kept = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        Fixtures.killAndWait(cli);
        kept.forEach(pid -> ProcessHandle.of(pid).ifPresent(Fixtures::killAndWait));
    }

    @Test
    void killedMidBootLocallyLeavesNothing() throws Exception {
        cli = start(List.of("boot", "--count", "2", "--accel", "tcg", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> !qemus().isEmpty())).as("a QEMU started; CLI said: %s", output()).isTrue();

        killCli();

        assertNothingLeft();
    }

    @Test
    void killedWithTheVmsUpLocallyLeavesNothing() throws Exception {
        cli = start(List.of("boot", "--count", "2", "--accel", "tcg", "--hold", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> output().contains("holding the VMs"))).as("VMs up; CLI said: %s", output()).isTrue();
        assertThat(qemus()).hasSize(2);

        killCli();

        assertNothingLeft();
    }

    @Test
    void killedMidBootOverSshLeavesNothing(Sshd sshd) throws Exception {
        cli = start(ssh(sshd, "boot", "--count", "2", "--accel", "tcg", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> !qemus().isEmpty())).as("a QEMU started; CLI said: %s", output()).isTrue();

        killCli();

        assertNothingLeft();
    }

    @Test
    void killedWithTheVmsUpOverSshLeavesNothing(Sshd sshd) throws Exception {
        cli = start(ssh(sshd, "boot", "--count", "1", "--accel", "tcg", "--hold", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> output().contains("holding the VMs"))).as("VM up; CLI said: %s", output()).isTrue();
        assertThat(qemus()).hasSize(1);

        killCli();

        assertNothingLeft();
    }

    @Test
    void keptVmsOutliveTheCliAndItsReaper() throws Exception {
        cli = start(List.of("boot", "--count", "1", "--accel", "tcg", "--keep", "--json", "--run-dir", runBase.toString()));
        // the CLI's reaper is its child: seen while the CLI boots (it starts before the first QEMU)
        assertThat(Fixtures.await(STARTED, () -> !qemus().isEmpty())).as("a QEMU started; CLI said: %s", output()).isTrue();
        Set<Long> reapers = cli.children().filter(p -> commandLine(p).contains("reaper.sh")).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
        assertThat(reapers).as("the CLI's reaper").hasSize(1);
        assertThat(Fixtures.await(STARTED, () -> output().contains("\"kept\""))).as("VM kept; CLI said: %s", output()).isTrue();
        Set<Long> vms = qemus();
        kept.addAll(vms);
        assertThat(vms).hasSize(1);

        killCli(); // it was about to exit anyway: either way its reaper's input ends

        assertThat(Fixtures.await(GONE, () -> reapers.stream().noneMatch(pid -> ProcessHandle.of(pid).isPresent())))
                .as("the CLI's reaper exited").isTrue();
        assertThat(qemus()).as("kept QEMU still running").isEqualTo(vms);
        assertThat(folders()).as("kept run folder").hasSize(1);
    }

    @Test
    void terminatedMidBootStopsEverythingBeforeItExits() throws Exception {
        cli = start(List.of("boot", "--count", "2", "--accel", "tcg", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> !qemus().isEmpty())).as("a QEMU started; CLI said: %s", output()).isTrue();

        terminateCli();

        assertNothingLeftAtExit();
    }

    @Test
    void terminatedWithTheVmsUpStopsThemBeforeItExits() throws Exception {
        cli = start(List.of("boot", "--count", "2", "--accel", "tcg", "--hold", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> output().contains("holding the VMs"))).as("VMs up; CLI said: %s", output()).isTrue();
        assertThat(qemus()).hasSize(2);

        terminateCli();

        assertNothingLeftAtExit();
    }

    @Test
    void terminatedWithTheVmsUpOverSshStopsThemBeforeItExits(Sshd sshd) throws Exception {
        cli = start(ssh(sshd, "boot", "--count", "1", "--accel", "tcg", "--hold", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> output().contains("holding the VMs"))).as("VM up; CLI said: %s", output()).isTrue();
        assertThat(qemus()).hasSize(1);

        terminateCli();

        // the SSH reaper waits 5 s after the session ends: what is gone at exit was stopped through the session
        assertNothingLeftAtExit();
    }

    @Test
    void holdEndsWithItsInputAndShutsTheVmsDown() throws Exception {
        cli = start(List.of("boot", "--count", "1", "--accel", "tcg", "--hold", "--run-dir", runBase.toString()));
        assertThat(Fixtures.await(STARTED, () -> output().contains("holding the VMs"))).as("VM up; CLI said: %s", output()).isTrue();
        assertThat(qemus()).hasSize(1);

        cli.getOutputStream().close(); // Ctrl-D

        assertThat(cli.waitFor(GONE.toSeconds(), TimeUnit.SECONDS)).as("CLI ended; it said: %s", output()).isTrue();
        assertThat(cli.exitValue()).as(output()).isZero();
        assertThat(output()).contains("all VMs stopped");
        assertThat(qemus()).as("QEMUs left").isEmpty();
        assertThat(folders()).as("run folders left").isEmpty();
    }

    private List<String> ssh(Sshd sshd, String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--host", sshd.uri(), "--identity", sshd.clientKey().toString(),
                "--known-hosts", sshd.knownHosts().toString()));
        return argv;
    }

    private Process start(List<String> args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
        argv.addAll(args);
        // stdin stays an open pipe: --hold holds while it is open
        return new ProcessBuilder(argv)
                .redirectOutput(files.resolve("out").toFile())
                .redirectError(files.resolve("err").toFile())
                .start();
    }

    /** SIGKILL to the CLI's JVM, and only to it: no shutdown hook runs. */
    private void killCli() throws Exception {
        cli.destroyForcibly();
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).as("CLI killed").isTrue();
        assertThat(cli.exitValue()).isEqualTo(128 + 9);
    }

    /** SIGTERM to the CLI's JVM, as Ctrl-C's SIGINT: its shutdown hook cancels the command and awaits its teardown. */
    private void terminateCli() throws Exception {
        cli.destroy();
        assertThat(cli.waitFor(GONE.toSeconds(), TimeUnit.SECONDS)).as("CLI ended; it said: %s", output()).isTrue();
        assertThat(cli.exitValue()).as(output()).isEqualTo(128 + 15);
    }

    /** The shutdown hook awaited the teardown: nothing is left as the JVM is gone, no reaper's work waited for. */
    private void assertNothingLeftAtExit() {
        assertThat(qemus()).as("QEMUs left at exit; CLI said: %s", output()).isEmpty();
        assertThat(folders()).as("run folders left at exit").isEmpty();
    }

    private void assertNothingLeft() throws IOException {
        boolean clean = Fixtures.await(GONE, () -> qemus().isEmpty() && folders().isEmpty());
        assertThat(qemus()).as("QEMUs left").isEmpty();
        assertThat(folders()).as("run folders left").isEmpty();
        assertThat(clean).isTrue();
    }

    /** This test's QEMUs, wherever they run (the CLI's children, or the test sshd's): their argv names its run base. */
    private Set<Long> qemus() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").contains("qemu-system") && commandLine(p).contains(runBase.toString()))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private Set<String> folders() {
        try (var list = Files.list(runBase)) {
            return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String commandLine(ProcessHandle p) {
        return p.info().commandLine().orElse("");
    }

    private String output() {
        try {
            return Files.readString(files.resolve("out")) + Files.readString(files.resolve("err"));
        } catch (IOException e) {
            return "";
        }
    }
}
