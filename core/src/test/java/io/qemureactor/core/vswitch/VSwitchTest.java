package io.qemureactor.core.vswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.function.InvalidFunctionConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The switch's pieces that need no testpmd: its argv, its statistics parser, its send plan. */
class VSwitchTest {

    /** testpmd 22.11's reply to {@code show port stats all}, one port, as it reaches us (echo line first). */
    static final String STATS = """
            show port stats all\r

              ######################## NIC statistics for port 0  ########################
              RX-packets: 12         RX-missed: 3          RX-bytes:  768
              RX-errors: 1
              RX-nombuf:  0        \s
              TX-packets: 10000      TX-errors: 7          TX-bytes:  640000

              Throughput (since last show)
              Rx-pps:            0          Rx-bps:            0
              Tx-pps:            0          Tx-bps:            0
              ############################################################################
            """;

    @Test
    void parsesEveryCounterOfEveryPort() {
        List<PortCounters> parsed = PortCounters.parse(STATS + STATS.replace("port 0", "port 1"));
        assertThat(parsed).containsExactly(new PortCounters(0, 12, 768, 3, 1, 10000, 640000, 7),
                new PortCounters(1, 12, 768, 3, 1, 10000, 640000, 7));
        assertThat(PortCounters.parse("Invalid port 9")).isEmpty();
    }

    @Test
    void argvIsInteractiveUnbufferedAndWithoutHugepagesWhenThereAreNone() {
        SwitchSpec spec = SwitchSpec.of("sw", 2).withMode(SwitchMode.RXONLY).withDiscardPort();
        assertThat(spec.argv(Path.of("/run/qr/switch-sw-1"), "qr-sw-1", false)).containsExactly(
                "stdbuf", "-oL", "-eL", "/usr/bin/dpdk-testpmd", "-l", "0-1", "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", "qr-sw-1",
                "--vdev", "net_vhost0,iface=/run/qr/switch-sw-1/vhost0.sock",
                "--vdev", "net_vhost1,iface=/run/qr/switch-sw-1/vhost1.sock",
                "--vdev", "net_null0,no-rx=1",
                "--", "-i", "--total-num-mbufs=8192", "--forward-mode=rxonly", "--port-topology=paired", "--nb-cores=1");
        assertThat(spec.argv(Path.of("/r"), "p", true)).contains("--in-memory").doesNotContain("--no-huge");
        assertThat(SwitchSpec.ringLoop("limit", 2).argv(Path.of("/r"), "p", false))
                .containsSubsequence("--vdev", "net_ring0", "--vdev", "net_ring1", "--forward-mode=io")
                .noneMatch(a -> a.startsWith("net_vhost"));
    }

    @Test
    void badSpecsNameTheirField() {
        assertThatThrownBy(() -> SwitchSpec.of("Bad Name", 1)).isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> SwitchSpec.of("sw", 0)).hasMessageContaining("ports");
        assertThatThrownBy(() -> SwitchSpec.of("sw", 1).withExtraPort("net_null0;rm -rf /")).hasMessageContaining("extraPorts");
        assertThatThrownBy(() -> SwitchSpec.of("sw", 1).withLcores("0")).hasMessageContaining("lcores");
    }

    @Test
    void aSendPlanSendsExactlyWhatWasAsked() {
        assertThat(SendStep.plan(10_000, 32, 8)).hasSize(39 + 1)
                .satisfies(steps -> assertThat(steps.stream().mapToLong(SendStep::packets).sum()).isEqualTo(10_000))
                .endsWith(new SendStep(32, 8), new SendStep(16, 1));
        assertThat(SendStep.plan(300, 32, 8)).containsExactly(new SendStep(32, 8), new SendStep(32, 1), new SendStep(12, 1));
        assertThat(SendStep.plan(5, 32, 8)).containsExactly(new SendStep(5, 1));
        assertThat(SendStep.plan(512, 32, 8)).containsExactly(new SendStep(32, 8), new SendStep(32, 8));
    }

    @Test
    void freeHugepagesComeFromMeminfo() {
        assertThat(HugepageInfo.freeMib("HugePages_Total: 512\nHugePages_Free:  300\nHugepagesize:   2048 kB\n"))
                .isEqualTo(600);
        assertThat(HugepageInfo.freeMib("MemTotal: 1 kB\n")).isZero();
    }
}
