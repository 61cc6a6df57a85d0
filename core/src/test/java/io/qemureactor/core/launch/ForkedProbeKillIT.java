package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.host.LocalHost;
import io.qemureactor.testing.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with SIGKILL while its KVM probe's guest runs: the probe is a process the engine started like
 * any VM, so the host's reaper stops its QEMU and removes its folder. The probe guest is made to hang (fault
 * injection: the real QEMU with {@code -S}, paused before its first instruction, so it never reaches the
 * probe's exit port) under a 10-minute bound: without the reaper it would outlive the JVM by that much.
 */
class ForkedProbeKillIT {

    private static final Duration STARTED = Duration.ofMinutes(2);
    /** The reaper acts at once on a local host (SIGTERM, which QEMU obeys); generous for a loaded machine. */
    private static final Duration GONE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Process fork;

    @AfterEach
    void killTheFork() {
        Fixtures.killAndWait(fork);
    }

    @Test
    void aJvmKilledWhileItsKvmProbeRunsLeavesNoQemuAndNoFolder() throws Exception {
        Path hangingQemu = dir.resolve("qemu-paused");
        Files.writeString(hangingQemu, "#!/bin/sh\nexec qemu-system-x86_64 -S \"$@\"\n");
        Files.setPosixFilePermissions(hangingQemu, PosixFilePermissions.fromString("rwx------"));
        String probeFolders = dir + "/kvm-probe-";
        fork = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), ForkedProbeKillIT.class.getName(), dir.toString(),
                hangingQemu.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("fork.log").toFile())
                .start();
        assertThat(Fixtures.await(STARTED, () -> !qemusNaming(probeFolders).isEmpty()))
                .as("the probe's QEMU runs; the fork said: %s", log()).isTrue();
        assertThat(probeFolders()).hasSize(1);

        fork.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup of ours runs
        assertThat(fork.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();

        assertThat(Fixtures.await(GONE, () -> qemusNaming(probeFolders).isEmpty() && probeFolders().isEmpty()))
                .as("nothing of the probe left").isTrue();
        System.out.printf("PROBE REAPED %d ms after the JVM's SIGKILL%n", (System.nanoTime() - killed) / 1_000_000);
        assertThat(qemusNaming(probeFolders)).as("QEMUs left").isEmpty();
        assertThat(probeFolders()).as("probe folders left").isEmpty();
    }

    /** The forked JVM: probes with the given QEMU under a 10-minute bound, and is killed while it waits. */
    public static void main(String[] args) {
        new KvmProbe(Duration.ofMinutes(10)).probe(LocalHost.instance(), args[1], "tcg", "max", args[0]).block();
    }

    private Set<Path> probeFolders() {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("kvm-probe-")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<Long> qemusNaming(String path) {
        return ProcessHandle.allProcesses()
                .filter(p -> cmdline(p.pid()).contains(path) && cmdline(p.pid()).contains("qemu-system"))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("fork.log"));
        } catch (IOException e) {
            return "";
        }
    }
}
