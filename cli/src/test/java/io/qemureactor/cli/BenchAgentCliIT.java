package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code qemu-reactor bench agent} boots a real guest with both probes and prints the agent
 * probe's lag. A smoke test, not a measurement: it asserts that both probes reported on the same
 * boot, never how fast.
 */
class BenchAgentCliIT {

    private static final Pattern ROUND = Pattern.compile(
            "round 1: marker (\\d+) ms, agent ready (\\d+) ms \\(lag (-?\\d+) ms\\)");

    @Test
    @Timeout(300)
    void bootsOnceAndReportsBothProbesOnTheSameBoot() {
        CliRun run = CliRun.of("bench", "agent", "--rounds", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher round = ROUND.matcher(run.err());
        assertThat(round.find()).as(run.err()).isTrue();
        long marker = Long.parseLong(round.group(1));
        long agent = Long.parseLong(round.group(2));
        assertThat(marker).isPositive();
        assertThat(agent).isPositive();
        assertThat(Long.parseLong(round.group(3))).isEqualTo(agent - marker);
        assertThat(run.out()).contains("agent probe lag behind it (ms)");
    }

    @Test
    void badRoundsGetAOneLineUsageError() {
        CliRun run = CliRun.of("bench", "agent", "--rounds", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: --rounds must be between 1 and 50, got 0");
    }
}
