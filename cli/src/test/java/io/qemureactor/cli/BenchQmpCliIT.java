package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;

/**
 * {@code qemu-reactor bench qmp} runs end to end against a real QEMU and prints its table. A smoke
 * test, not a measurement: one short round, no warm-up, and no assertion on speed (that would be a
 * timed assertion on a noisy machine); it asserts that every case ran and produced a number.
 */
@ExtendWith(SshdExtension.class)
class BenchQmpCliIT {

    private static final Pattern ROW = Pattern.compile(
            "^\\| (\\([abc]\\)[^|]*) \\| (ops/s|ms) \\| ([\\d,.]+) \\| ([\\d,.]+) \\| ([\\d.]+)x \\(([\\d.]+)–([\\d.]+)\\) "
                    + "\\| ([\\d,.]+) \\| ([\\d.]+)x \\|$",
            Pattern.MULTILINE);

    /** case | unit | here | over SSH | ratio (range) | seed: all numbers. */
    private static final Pattern REMOTE_ROW = Pattern.compile(
            "^\\| (\\([ac]\\)[^|]*) \\| (ops/s|ms) \\| ([\\d,.]+) \\| ([\\d,.]+) \\| ([\\d.]+)x \\(([\\d.]+)–([\\d.]+)\\) "
                    + "\\| ([\\d,.]+) \\|$",
            Pattern.MULTILINE);

    @Test
    @Timeout(180)
    void printsAllThreeCasesWithRatiosAgainstRawAndTheSeed() {
        CliRun run = CliRun.of("bench", "qmp", "--ops", "100", "--rounds", "1", "--warm-up", "0s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher rows = ROW.matcher(run.out());
        List<String> cases = new java.util.ArrayList<>();
        while (rows.find()) {
            cases.add(rows.group(1));
            assertThat(Double.parseDouble(rows.group(5))).as("ratio of %s", rows.group(1)).isPositive();
            assertThat(Double.parseDouble(rows.group(9))).as("seed ratio of %s", rows.group(1)).isPositive();
        }
        assertThat(cases).as(run.out()).containsExactly(
                "(a) sequential round trips", "(b) 8 in flight", "(c) connect+negotiate+command");
        assertThat(run.err()).contains("bench qmp: warming up");
    }

    @Test
    @Timeout(300)
    void overSshComparesTheForwardWithTheSocketHereAndTheSeedsSshSocat(Sshd sshd) {
        CliRun run = CliRun.of("bench", "qmp", "--ops", "100", "--rounds", "1", "--warm-up", "0s", "--host", sshd.uri(),
                "--identity", sshd.clientKey().toString(), "--known-hosts", sshd.knownHosts().toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher rows = REMOTE_ROW.matcher(run.out());
        List<String> cases = new java.util.ArrayList<>();
        while (rows.find()) {
            cases.add(rows.group(1));
        }
        assertThat(cases).as(run.out()).containsExactly("(a) sequential round trips", "(c) connect+negotiate+command",
                "(c) through a JSch local port forward instead");
        assertThat(run.out()).contains("| socket awaited on the host (once per socket) | ms | - |");
    }

    @Test
    void badOptionsGetAOneLineUsageError() {
        CliRun run = CliRun.of("bench", "qmp", "--ops", "10");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: --ops must be at least 100, got 10");
    }
}
