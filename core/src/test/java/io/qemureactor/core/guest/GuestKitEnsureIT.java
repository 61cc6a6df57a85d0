package io.qemureactor.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@link GuestKit#ensure} runs the kit builder shipped in core's jar. The test command builds the
 * kit with the repository's {@code scripts/build-guest} before the ITs; the shipped copy must find
 * that kit up to date (the stamp hashes contents, not paths), so a library user and this checkout
 * share one kit instead of rebuilding it in turn.
 */
class GuestKitEnsureIT {

    @Test
    void theShippedBuilderFindsTheCheckoutsKitUpToDate() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Path home = GuestKit.defaultHome();

        StepVerifier.create(GuestKit.ensure(home, lines::add))
                .assertNext(kit -> {
                    assertThat(kit.home()).isEqualTo(home);
                    assertThat(kit.kernel()).exists();
                    assertThat(kit.initrd()).exists();
                })
                .expectComplete()
                .verify(Duration.ofMinutes(5));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("guest kit up to date: " + home));
    }

    @Test
    void ensureWithoutArgumentsIsLazyAndUsesTheDefaultHome() {
        Mono<GuestKit> kit = GuestKit.ensure();   // as docs/guest.md shows it: nothing runs yet

        StepVerifier.create(kit)
                .assertNext(k -> assertThat(k.home()).isEqualTo(GuestKit.defaultHome()))
                .expectComplete()
                .verify(Duration.ofMinutes(5));
    }

    @Test
    void aKitThatCannotBeBuiltFailsWithTheBuildersLastLine() {
        Path home = Path.of("/proc/qemu-reactor-no-such-dir/guest");

        StepVerifier.create(GuestKit.ensure(home, line -> { }))
                .expectErrorSatisfies(e -> assertThat(e)
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageStartingWith("building the test guest kit at " + home + " failed (exit "))
                .verify(Duration.ofMinutes(5));
    }

    @Test
    void locateNamesTheWaysToBuildAMissingKit() {
        Path home = Path.of("/nonexistent-kit-home");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GuestKit.at(home))
                .hasMessage("guest kit not found at " + home
                        + ": build it with GuestKit.ensure() or ./qemu-reactor guest build");
    }
}
