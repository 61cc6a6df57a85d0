package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.function.VppStartupConfig.PluginState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The seed's kernel-VM VPP startup configuration for its parameters (smp, queues, jumbo): equal to the
 * reviewed golden file, and to what CSIT's VppConfigGenerator printed for the seed
 * ({@code *.seed.conf}, from {@code seed_function.py}) with exactly two edits: no trailing blanks, and
 * the running configuration in the VM's run folder instead of {@code /etc/vpp/vm_running_<id>.exec}.
 */
class VppStartupConfigGoldenTest {

    private static final Path RUN = Path.of("/tmp/qr/vnf1");

    @ParameterizedTest(name = "smp={0} queues={1} jumbo={2}")
    @CsvSource({
        "1, 1, false, vpp-startup-smp1-q1",
        "2, 1, false, vpp-startup-smp2-q1",
        "4, 2, true,  vpp-startup-smp4-q2-jumbo",
    })
    void seedDefaults(int smp, int queues, boolean jumbo, String golden) {
        String ours = VppStartupConfig.forKernelVm(smp, queues, jumbo, KernelVmFunction.seedNics(),
                RUN.resolve("vpp-running.exec")).render();

        Golden.assertMatches(golden + ".conf", ours);
        String seed = Golden.stripTrailingBlanks(Golden.read(golden + ".seed.conf"))
                .replace("exec /etc/vpp/vm_running_1.exec", "exec /tmp/qr/vnf1/vpp-running.exec");
        assertThat(ours).isEqualTo(seed);
    }

    @Test
    void jumboFramesKeepMultiSegmentBuffersAndChecksumOffload() {
        String jumbo = VppStartupConfig.forKernelVm(2, 1, true, KernelVmFunction.seedNics(), RUN.resolve("r.exec"))
                .render();
        String normal = VppStartupConfig.forKernelVm(2, 1, false, KernelVmFunction.seedNics(), RUN.resolve("r.exec"))
                .render();
        assertThat(jumbo).doesNotContain("no-multi-seg", "no-tx-checksum-offload");
        assertThat(normal).contains("  no-multi-seg\n", "  no-tx-checksum-offload\n");
    }

    @Test
    void emptyStanzasAreLeftOut() {
        String text = VppStartupConfig.builder().cpuMainCore(1)
                .plugin(PluginState.ENABLE, "dpdk_plugin.so").build().render();
        assertThat(text).isEqualTo("cpu\n{\n  main-core 1\n}\nplugins\n{\n  plugin dpdk_plugin.so\n  {\n    enable\n  }\n}\n");
    }

    @Test
    void invalidValuesNameTheirSetting() {
        assertThatThrownBy(() -> VppStartupConfig.builder().unixExec(Path.of("running.exec")))
                .isInstanceOf(InvalidFunctionConfigException.class).hasMessageStartingWith("unix.exec: ");
        assertThatThrownBy(() -> VppStartupConfig.builder().unixExec(Path.of("/tmp/my run.exec")))
                .hasMessageStartingWith("unix.exec: ");
        assertThatThrownBy(() -> VppStartupConfig.builder().cpuCorelistWorkers("1-2\n}"))
                .hasMessageStartingWith("cpu.corelist-workers: ");
        assertThatThrownBy(() -> VppStartupConfig.builder().dpdkDefaultRxQueues(0))
                .hasMessageStartingWith("dpdk.num-rx-queues: ");
        assertThatThrownBy(() -> VppStartupConfig.builder().dpdkLogLevel("debug }"))
                .hasMessageStartingWith("dpdk.log-level: ");
        assertThatThrownBy(() -> VppStartupConfig.builder().plugin(PluginState.ENABLE, "x { }"))
                .hasMessageStartingWith("plugins.plugin: ");
        assertThatThrownBy(() -> VppStartupConfig.builder()
                .dpdkDevs(List.of(PciAddress.rootBusSlot(6), PciAddress.rootBusSlot(6))))
                .hasMessageStartingWith("dpdk.dev: 0000:00:06.0 is listed twice");
        assertThatThrownBy(() -> VppStartupConfig.forKernelVm(0, 1, false, KernelVmFunction.seedNics(),
                RUN.resolve("r.exec"))).hasMessageStartingWith("smp: ");
    }
}
