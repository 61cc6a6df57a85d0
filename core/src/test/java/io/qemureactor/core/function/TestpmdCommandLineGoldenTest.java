package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.function.TestpmdCommandLine.ForwardMode;
import io.qemureactor.core.spec.MacAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * testpmd argv for the seed's io and mac functions: equal to the reviewed golden file, and to the seed's
 * argv ({@code *.seed.argv}, from {@code seed_function.py}) with exactly the documented edits: the binary
 * (Debian's {@code /usr/bin/dpdk-testpmd} instead of CSIT's build folder) and {@code --main-lcore}
 * (DPDK 20.11 renamed {@code --master-lcore}).
 */
class TestpmdCommandLineGoldenTest {

    private static final MacAddress VIF1 = MacAddress.parse("52:54:00:00:02:01");
    private static final MacAddress VIF2 = MacAddress.parse("52:54:00:00:03:02");

    @Test
    void ioForwardingMatchesItsGoldenFileAndTheSeedsArgv() {
        List<String> ours = TestpmdCommandLine.kernelVmIo(2, 1).argv();
        Golden.assertMatches("testpmd-io.argv", ours);
        assertThat(ours).containsExactlyElementsOf(seedWithEdits("testpmd-io.seed.argv"));
    }

    @Test
    void macForwardingMatchesItsGoldenFileAndTheSeedsArgv() {
        List<String> ours = TestpmdCommandLine.kernelVmMac(4, 2, VIF1, VIF2).argv();
        Golden.assertMatches("testpmd-mac.argv", ours);
        assertThat(ours).containsExactlyElementsOf(seedWithEdits("testpmd-mac.seed.argv"));
    }

    @Test
    void legacySpellingAndOtherBinaryGiveTheSeedsArgv() {
        List<String> ours = TestpmdCommandLine.builder()
                .binary(Path.of("/opt/dpdk/x86_64-native-linuxapp-gcc/app/testpmd")).legacyMasterLcore(true)
                .corelist("0-1").inMemory(true).totalNumMbufs(16384).rxq(1).txq(1).txOffloads(0).nbCores(1)
                .build().argv();
        List<String> seed = new ArrayList<>(Golden.readLines("testpmd-io.seed.argv"));
        seed.set(0, "/opt/dpdk/x86_64-native-linuxapp-gcc/app/testpmd");
        assertThat(ours).containsExactlyElementsOf(seed);
    }

    @Test
    void optionalOptionsAppearOnlyWhenSet() {
        List<String> argv = TestpmdCommandLine.builder().corelist("0,2-3").driver(Path.of("/usr/lib/librte_pmd_virtio.so"))
                .forwardMode(ForwardMode.IO).disableHwVlan(true).maxPktLen(9200).txOffloads(0x8000).nbCores(2)
                .autoStart(true).build().argv();
        assertThat(argv).containsSubsequence("-d", "/usr/lib/librte_pmd_virtio.so", "--")
                .contains("--disable-hw-vlan", "--max-pkt-len=9200", "--tx-offloads=0x8000")
                .doesNotContain("--in-memory", "--total-num-mbufs=16384")
                .endsWith("--nb-cores=2", "--auto-start");
    }

    @Test
    void invalidSettingsAreNamed() {
        assertThatThrownBy(() -> TestpmdCommandLine.kernelVmIo(1, 1)).isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("smp: ");
        assertThatThrownBy(() -> TestpmdCommandLine.kernelVmIo(2, 0)).hasMessageStartingWith("rxq: ");
        assertThatThrownBy(() -> TestpmdCommandLine.builder().corelist("0-1").nbCores(2).build())
                .hasMessageStartingWith("nbCores: 2 forwarding cores need at least 3 lcores");
        assertThatThrownBy(() -> TestpmdCommandLine.builder().nbCores(1).build()).hasMessageStartingWith("corelist: ");
        assertThatThrownBy(() -> TestpmdCommandLine.builder().corelist("0-1; reboot"))
                .hasMessageStartingWith("corelist: ");
        assertThatThrownBy(() -> TestpmdCommandLine.builder().corelist("0-1").nbCores(1)
                .forwardMode(ForwardMode.MAC).build()).hasMessageStartingWith("ethPeer: ");
        assertThatThrownBy(() -> TestpmdCommandLine.builder().binary(Path.of("dpdk-testpmd")))
                .hasMessageStartingWith("binary: ");
    }

    private static List<String> seedWithEdits(String seedFile) {
        List<String> seed = new ArrayList<>(Golden.readLines(seedFile));
        assertThat(seed.get(0)).as("seed argv[0]").isEqualTo("{QEMU_VM_DPDK}/x86_64-native-linuxapp-gcc/app/testpmd");
        seed.set(0, "/usr/bin/dpdk-testpmd");
        int master = seed.indexOf("--master-lcore");
        assertThat(master).as("seed has --master-lcore").isPositive();
        seed.set(master, "--main-lcore");
        return seed;
    }
}
