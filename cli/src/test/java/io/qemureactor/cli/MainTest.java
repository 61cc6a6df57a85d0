package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheSubcommands() {
        CliRun run = CliRun.of("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Commands:").contains("version");
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun run = CliRun.of();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("error: a subcommand is required");
    }

    @Test
    void unknownOptionIsOneLineNamingIt() {
        CliRun run = CliRun.of("version", "--bogus");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("error: Unknown option: '--bogus' (see: qemu-reactor version --help)");
    }

    @Test
    void badDurationNamesTheValue() {
        CliRun run = CliRun.of("version", "--timeout", "soon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'soon' is not a duration (examples: 500ms, 30s, 2m)");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    @Test
    void missingBinaryIsOneLineWithTheFix() {
        CliRun run = CliRun.of("version", "--binary", "qemu-system-x86_64-missing");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("error: qemu-system-x86_64-missing not found on localhost: install it or put it on the PATH");
    }
}
