package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.host.LocalHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The KVM probe against the real QEMU of this machine. */
class KvmProbeIT {

    private static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void theProbeGuestRunsToItsExitUnderTcg() {
        KvmVerdict v = new KvmProbe().probe(LocalHost.instance(), "qemu-system-x86_64", "tcg", "max", dir.toString()).block(T);
        assertThat(v.usable()).as(v.reason()).isTrue();
    }

    @Test
    void theKvmVerdictAgreesWithRunningTheProbeGuestDirectly() throws Exception {
        Path firmware = dir.resolve("direct.bin");
        Files.write(firmware, KvmProbe.firmware());
        boolean expected = Files.isWritable(Path.of("/dev/kvm")) && runsUnderKvm(firmware);

        KvmVerdict v = new KvmProbe().verdict(LocalHost.instance(), "qemu-system-x86_64", "host", dir.toString()).block(T);

        assertThat(v.usable()).as(v.reason()).isEqualTo(expected);
        if (!v.usable()) {
            assertThat(v.reason()).containsAnyOf("failed under KVM", "hung under KVM", "/dev/kvm is missing");
        }
    }

    @Test
    void theVerdictIsCachedPerHostAndCpuModel() {
        KvmProbe probe = new KvmProbe();
        var first = probe.verdict(LocalHost.instance(), "qemu-system-x86_64", "host", dir.toString());
        var again = probe.verdict(LocalHost.instance(), "qemu-system-x86_64", "host", dir.toString());
        assertThat(again).isSameAs(first);
        assertThat(probe.verdict(LocalHost.instance(), "qemu-system-x86_64", "qemu64", dir.toString())).isNotSameAs(first);
    }

    private static boolean runsUnderKvm(Path firmware) throws Exception {
        Process p = new ProcessBuilder(List.of("qemu-system-x86_64", "-machine", "pc,accel=kvm", "-cpu", "host",
                "-nodefaults", "-no-user-config", "-display", "none", "-bios", firmware.toString(),
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return false;
        }
        return p.exitValue() == KvmProbe.EXIT_CODE;
    }
}
