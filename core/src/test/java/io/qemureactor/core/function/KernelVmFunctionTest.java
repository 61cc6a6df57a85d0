package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.probe.ReadinessRule.Verdict;
import io.qemureactor.core.spec.MacAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelVmFunctionTest {

    private static final Path RUN = Path.of("/tmp/qr/vnf1");

    @Test
    void vppWritesItsConfigsAndTheInitScriptIntoTheRunFolder() {
        KernelVmFunction vpp = KernelVmFunction.vpp(2, 1, false, VppRunningConfig.l2CrossConnect(), "vpp v23.10-release");
        List<GeneratedFile> files = vpp.files(RUN);
        assertThat(files).extracting(GeneratedFile::relativePath)
                .containsExactly(Path.of("vpp-startup.conf"), Path.of("vpp-running.exec"), Path.of("init.sh"));
        assertThat(files).extracting(GeneratedFile::octalMode).containsExactly("644", "644", "755");
        assertThat(files.get(0).content()).contains("exec /tmp/qr/vnf1/vpp-running.exec\n");
        assertThat(files.get(1).content()).isEqualTo(VppRunningConfig.l2CrossConnect().render());
        assertThat(files.get(0).in(RUN)).isEqualTo(Path.of("/tmp/qr/vnf1/vpp-startup.conf"));
        assertThat(vpp.command(RUN)).containsExactly("/usr/bin/vpp", "-c", "/tmp/qr/vnf1/vpp-startup.conf");
        assertThat(vpp.initScript(RUN)).isEqualTo(Path.of("/tmp/qr/vnf1/init.sh"));
        assertThat(vpp.runtimeFolders()).containsExactly(Path.of("/run/vpp"));
        assertThat(vpp.nics()).extracting(PciAddress::value).containsExactly("0000:00:06.0", "0000:00:07.0");
    }

    @Test
    void vppIsReadyOnTheHostVersionAndFailsOnPowerDown() {
        ReadinessRule rule = KernelVmFunction.vpp(1, 1, false, VppRunningConfig.l2CrossConnect(),
                "vpp v23.10-release").readiness();
        assertThat(rule.test("vpp v23.10-release built by root on host at 2023-10-25T12:00:00")).isEqualTo(Verdict.READY);
        assertThat(rule.test("[    5.1] reboot: Power down")).isEqualTo(Verdict.FAILED);
        assertThat(rule.test("vpp v23.06-release built by root")).isEqualTo(Verdict.UNDECIDED);
        // The version is literal text, not a regex: the dot does not match any character.
        assertThat(rule.test("vpp v23x10-release")).isEqualTo(Verdict.UNDECIDED);
    }

    @Test
    void testpmdHasNoConfigFilesAndIsReadyOnPressEnter() {
        KernelVmFunction io = KernelVmFunction.testpmdIo(2, 1);
        assertThat(io.files(RUN)).extracting(GeneratedFile::relativePath).containsExactly(Path.of("init.sh"));
        assertThat(io.command(RUN)).startsWith("/usr/bin/dpdk-testpmd").contains("--forward-mode=io");
        assertThat(io.readiness().test("Press enter to exit")).isEqualTo(Verdict.READY);
        assertThat(io.readiness().test("reboot: Power down")).isEqualTo(Verdict.FAILED);
        KernelVmFunction mac = KernelVmFunction.testpmdMac(2, 1, MacAddress.parse("02:00:00:00:00:01"),
                MacAddress.parse("02:00:00:00:00:02"));
        assertThat(mac.name()).isEqualTo("testpmd-mac");
        assertThat(mac.command(RUN)).contains("--forward-mode=mac", "--eth-peer=0,02:00:00:00:00:01",
                "--eth-peer=1,02:00:00:00:00:02");
    }

    @Test
    void userCommandIsReadyWhenStartedUnlessToldOtherwise() {
        KernelVmFunction.Command cmd = KernelVmFunction.command("/bin/echo", "hi").withName("echo");
        assertThat(cmd.nics()).isEmpty();
        assertThat(cmd.readiness().test("qemu-reactor-init: starting echo: /bin/echo hi")).isEqualTo(Verdict.READY);
        KernelVmFunction.Command custom = cmd.withReadiness(ReadinessRule.lineContaining("hi").orFailOn("panic"));
        assertThat(custom.readiness().test("hi")).isEqualTo(Verdict.READY);
        assertThat(custom.readiness().test("Kernel panic")).isEqualTo(Verdict.FAILED);
        assertThat(custom.readiness().test("reboot: Power down")).isEqualTo(Verdict.FAILED);
        assertThat(custom.withName("other").readiness()).isEqualTo(custom.readiness());
    }

    @Test
    void invalidInputsAreNamed() {
        KernelVmFunction vpp = KernelVmFunction.vpp(1, 1, false, VppRunningConfig.l2CrossConnect(), "vpp v23.10");
        assertThatThrownBy(() -> vpp.files(Path.of("run/vm1"))).isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("runFolder: ");
        assertThatThrownBy(() -> vpp.files(Path.of("/tmp/my vm"))).hasMessageStartingWith("runFolder: ");
        assertThatThrownBy(() -> KernelVmFunction.vpp(1, 1, false, VppRunningConfig.shipped(VppRunningConfig.IP4),
                "vpp v23.10")).isInstanceOf(TemplateParameterException.class).hasMessageContaining("missing parameters");
        assertThatThrownBy(() -> KernelVmFunction.vpp(1, 0, false, VppRunningConfig.l2CrossConnect(), "v"))
                .hasMessageStartingWith("queues: ");
        assertThatThrownBy(() -> KernelVmFunction.vpp(1, 1, false, VppRunningConfig.l2CrossConnect(), " "))
                .hasMessageStartingWith("hostVppVersion: ");
        assertThatThrownBy(() -> ((KernelVmFunction.Vpp) vpp).withNics(List.of()))
                .hasMessageStartingWith("nics: ");
        assertThatThrownBy(() -> KernelVmFunction.command("echo", "hi")).hasMessageStartingWith("command[0]: ");
        assertThatThrownBy(() -> new GeneratedFile(Path.of("../etc/passwd"), "", 0644))
                .hasMessageStartingWith("relativePath: ");
        assertThatThrownBy(() -> new GeneratedFile(Path.of("/etc/passwd"), "", 0644))
                .hasMessageStartingWith("relativePath: ");
    }
}
