package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code qemu-reactor chain} with real dpdk-testpmd on the host and in a TCG guest: the JSON document's
 * fields and counts, nothing left behind; and the one-line errors. No test asserts a duration.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ChainCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runBase;

    private static long testpmdDescendants() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").matches(".*(dpdk-testpmd|qemu-system).*")).count();
    }

    @Test
    void countsEveryPacketAsJsonAndLeavesNothing() throws Exception {
        CliRun run = CliRun.of("chain", "--vms", "1", "--function", "testpmd-io", "--packets", "500", "--accel", "tcg",
                "--run-dir", runBase.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = JSON.readTree(run.out());
        for (String field : new String[] {"wallMillis", "readyMillis", "sent", "received", "lost", "pps", "vms", "ports"}) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        assertThat(json.get("sent").asLong()).isEqualTo(500);
        assertThat(json.get("received").asLong()).isEqualTo(500);
        assertThat(json.get("lost").asLong()).isZero();
        assertThat(json.get("vms")).hasSize(1);
        assertThat(json.get("vms").get(0).get("txPackets").asLong()).isEqualTo(500);
        assertThat(json.get("ports")).hasSize(3); // the generator's port, the VM's switch port, the discarding port
        assertThat(testpmdDescendants()).isZero();
        try (var left = Files.list(runBase)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aMissingTestpmdIsOneLineNamingThePackage() {
        CliRun run = CliRun.of("chain", "--testpmd", "/opt/none/dpdk-testpmd", "--run-dir", runBase.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: dpdk-testpmd not found on localhost: install it with: apt-get install dpdk-dev\n");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownFunctionNamesTheChoices() {
        CliRun run = CliRun.of("chain", "--function", "vpp");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("error: unknown chain function 'vpp': use testpmd-io, testpmd-mac or bridge\n");
    }
}
