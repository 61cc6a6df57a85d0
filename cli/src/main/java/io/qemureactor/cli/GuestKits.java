package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import java.io.PrintStream;
import java.time.Duration;

/**
 * The test guest for the commands that boot it, and only for them: {@code --help}, {@code qmp},
 * {@code bench qmp} and a boot of the user's own kernel never build or download it. The first
 * command that needs it runs the kit builder shipped in the jar ({@link GuestKit#ensure}): about a
 * second when the kit is up to date, a download and a build the first time.
 */
public final class GuestKits {

    /** A first build downloads ~70 MB; a slow mirror gets this long before the command gives up. */
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(20);

    private static GuestKit located;

    private GuestKits() {
    }

    /**
     * The test guest kit in its default home, built or checked first; a kit that cannot be built
     * fails with a one-line {@link CliFailure}. The check runs once per process.
     */
    public static synchronized GuestKit locate() {
        if (located == null) {
            located = build(false, System.err);
        }
        return located;
    }

    /** Builds (or, with {@code force}, rebuilds) the kit in its default home, the builder's lines on {@code out}. */
    static GuestKit build(boolean force, PrintStream out) {
        try {
            return (force ? GuestKit.rebuild(GuestKit.defaultHome(), out::println)
                    : GuestKit.ensure(GuestKit.defaultHome(), out::println))
                    .block(BUILD_LIMIT);
        } catch (IllegalStateException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }
}
