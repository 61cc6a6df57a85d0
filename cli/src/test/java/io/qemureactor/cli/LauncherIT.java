package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The {@code ./qemu-reactor} launcher at the repo root, run as a user runs it. */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("..", "qemu-reactor").toAbsolutePath().normalize();

    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        Path err = Files.createTempFile("launcher", ".err");
        try {
            Process p = new ProcessBuilder(argv).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("launcher finished").isTrue();
            return new Result(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void versionPrintsWhatQemuPrints() throws Exception {
        Process q = new ProcessBuilder("qemu-system-x86_64", "--version").start();
        String firstLine = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        q.waitFor();

        Result r = run("version");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(firstLine.replace("QEMU emulator version ", "QEMU "));
    }

    @Test
    void helpListsSubcommands() throws Exception {
        Result r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("version");
    }

    @Test
    void unknownSubcommandIsOneLineAndExit2() throws Exception {
        Result r = run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'");
    }
}
