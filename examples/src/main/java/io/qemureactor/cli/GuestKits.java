package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The test guest for the commands that boot it, and only for them: {@code --help}, {@code qmp},
 * {@code bench qmp} and a boot of the user's own kernel never build or download it.
 *
 * <p>The {@code ./qemu-reactor} launcher names the repository's kit builder in
 * {@value #BUILDER_ENV}; the first command that needs the kit runs it (it returns in about a
 * second when the kit is up to date, since its stamp hashes the builder's inputs) and then
 * locates the kit. Without the variable (the jar run directly) the kit must already exist.
 */
public final class GuestKits {

    /** The environment variable that names the kit builder ({@code scripts/build-guest}). */
    public static final String BUILDER_ENV = "QEMU_REACTOR_GUEST_BUILDER";

    private static GuestKit located;

    private GuestKits() {
    }

    /**
     * The test guest kit, built first when the launcher named a builder; a kit that cannot be
     * built or found fails with a one-line {@link CliFailure}. The build runs once per process.
     */
    public static synchronized GuestKit locate() {
        if (located == null) {
            String builder = System.getenv(BUILDER_ENV);
            if (builder != null && !builder.isBlank()) {
                build(builder, System.err);
            }
            try {
                located = GuestKit.locate();
            } catch (IllegalStateException e) {
                throw CliFailure.usage(e.getMessage());
            }
        }
        return located;
    }

    /** Runs the builder in the foreground, its output passed on to {@code out} line by line. */
    private static void build(String builder, PrintStream out) {
        ProcessBuilder pb = new ProcessBuilder(List.of(builder)).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
        int status;
        try {
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.println(line);
                }
            }
            status = p.waitFor();
        } catch (IOException e) {
            throw CliFailure.usage("cannot run the guest kit builder " + builder + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.usage("interrupted while building the test guest");
        }
        if (status != 0) {
            throw CliFailure.usage("building the test guest failed (" + builder + " exited with " + status
                    + "); its last lines are above");
        }
    }
}
