package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import java.io.PrintStream;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The test guest for the commands that boot it, and only for them: {@code --help}, {@code qmp},
 * {@code bench qmp} and a boot of the user's own kernel never build or download it. The first
 * command that needs it runs the kit builder shipped in the jar ({@link GuestKit#ensure}): about a
 * second when the kit is up to date, a download and a build the first time.
 */
public final class GuestKits {

    /** A first build downloads ~70 MB; a slow mirror gets this long before the command gives up. */
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(20);

    /** The kit once checked: the check runs once per process (a failed one is tried again). */
    private static volatile GuestKit located;

    private GuestKits() {
    }

    /**
     * The test guest kit in its default home, built or checked first on subscription; a kit that cannot be
     * built fails with a one-line {@link CliFailure}. The check runs once per process.
     *
     * @return a cold Mono of the kit
     */
    public static Mono<GuestKit> located() {
        return Mono.defer(() -> {
            GuestKit kit = located;
            return kit != null ? Mono.just(kit) : build(false, System.err).doOnNext(built -> located = built);
        });
    }

    /** Builds (or, with {@code force}, rebuilds) the kit in its default home, the builder's lines on {@code out}. */
    static Mono<GuestKit> build(boolean force, PrintStream out) {
        return Mono.defer(() -> force ? GuestKit.rebuild(GuestKit.defaultHome(), out::println)
                        : GuestKit.ensure(GuestKit.defaultHome(), out::println))
                // the timeout cancels the builder
                .timeout(BUILD_LIMIT, Mono.error(() -> CliFailure.usage("the test guest kit was not built within "
                        + BUILD_LIMIT.toMinutes() + " min (a slow mirror?): run qemu-reactor guest build to see its progress")))
                .onErrorMap(IllegalStateException.class, e -> CliFailure.usage(e.getMessage()));
    }
}
