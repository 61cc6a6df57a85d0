package io.qemureactor.core.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * A test JVM running the extension, killed with SIGKILL (a Surefire fork killed on timeout, an IDE's
 * stop button, the OOM killer): no extension code runs, yet the host's reaper stops its QEMUs and removes
 * its run folders. The forked JVM runs {@link #main} with this JVM's classpath; the only pid killed is its.
 */
class ForkedExtensionKillIT {

    private static final Duration STARTED = Duration.ofMinutes(3);
    private static final Duration GONE = Duration.ofSeconds(90);
    private static final String UP = "VMS UP ";

    @TempDir
    Path files;

    private Process fork;

    @AfterEach
    void killTheFork() {
        Fixtures.killAndWait(fork);
    }

    @Test
    void aForkKilledWithItsVmsUpLeavesNothing() throws Exception {
        fork = fork();
        assertThat(Fixtures.await(STARTED, () -> output().contains(UP))).as("VMs up; fork said: %s", output()).isTrue();
        Path base = Path.of(output().lines().filter(l -> l.startsWith(UP)).findFirst().orElseThrow().substring(UP.length()));
        assertThat(qemusUnder(base)).hasSize(2);

        kill();

        assertThat(Fixtures.await(GONE, () -> qemusUnder(base).isEmpty() && !Files.exists(base))).as("nothing left").isTrue();
        assertThat(qemusUnder(base)).as("QEMUs left").isEmpty();
        assertThat(base).as("run folder base").doesNotExist();
    }

    @Test
    void aForkKilledWhileItsVmsBootLeavesNothing() throws Exception {
        fork = fork();
        // a VM's QEMU (not a version check): its argv names the extension's run base
        java.util.regex.Pattern runBase = java.util.regex.Pattern.compile("/tmp/qemu-reactor-junit-[^/ ]+");
        assertThat(Fixtures.await(STARTED, () -> qemuChildren().anyMatch(p -> runBase.matcher(cmdline(p.pid())).find())))
                .as("a VM's QEMU started").isTrue();
        java.util.regex.Matcher m = runBase.matcher(qemuChildren().map(p -> cmdline(p.pid()))
                .filter(c -> runBase.matcher(c).find()).findFirst().orElseThrow());
        assertThat(m.find()).isTrue();
        Path base = Path.of(m.group());
        assertThat(output()).doesNotContain(UP);

        kill();

        assertThat(Fixtures.await(GONE, () -> qemusUnder(base).isEmpty() && !Files.exists(base))).as("nothing left").isTrue();
    }

    private Process fork() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), ForkedExtensionKillIT.class.getName())
                .redirectOutput(files.resolve("out").toFile())
                .redirectError(files.resolve("err").toFile())
                .start();
    }

    private void kill() throws Exception {
        fork.destroyForcibly(); // SIGKILL: no shutdown hook, no extension callback
        assertThat(fork.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fork.exitValue()).isEqualTo(128 + 9);
    }

    private java.util.stream.Stream<ProcessHandle> qemuChildren() {
        return fork.children().filter(p -> p.info().command().orElse("").contains("qemu-system"));
    }

    private static Set<Long> qemusUnder(Path base) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").contains("qemu-system")
                        && cmdline(p.pid()).contains(base.toString()))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    /** The argv as /proc has it, NULs as spaces (ProcessHandle.Info may leave long ones out). */
    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private String output() {
        try {
            return Files.readString(files.resolve("out")) + Files.readString(files.resolve("err"));
        } catch (IOException e) {
            return "";
        }
    }

    /** The forked JVM: runs {@link HoldingVms} through the test kit (it holds until killed). */
    public static void main(String[] args) {
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter(QemuVmsExtensionIT.SAMPLES, "true")
                .selectors(selectClass(HoldingVms.class))
                .execute();
    }

    // ---- the sample class: run only in the fork

    @ExtendWith(QemuVmsExtensionIT.OnlyThroughTestKit.class)
    @QemuVms
    static class HoldingVms {

        @BootVm
        static final VmSpec a = guest(1);

        @BootVm
        static final VmSpec b = guest(2);

        @Test
        void holdsUntilKilled(@Vm("a") RunningVm a, @Vm("b") RunningVm b) throws Exception {
            System.out.println(UP + Path.of(a.runFolder()).getParent());
            System.out.flush();
            // stdin is the parent's pipe, never written: this blocks until the fork is killed
            System.in.read();
        }

        private static VmSpec guest(int id) {
            return GuestKit.locate().spec(id, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
        }
    }

}
