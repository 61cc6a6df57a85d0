package io.qemureactor.core.testing;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The set-up of an IT that launches the test guest: the guest kit, a fresh run base per test (short,
 * under {@code /tmp}, so socket paths stay under the 107-byte limit), a {@link QemuLauncher} on it,
 * and after each test every VM the test {@link #keep kept} killed and the run base removed.
 *
 * <pre>{@code
 * @RegisterExtension
 * final LaunchFixture local = new LaunchFixture();
 *
 * @Test
 * void boots() {
 *     RunningVm vm = local.keep(local.launcher().start(LocalHost.instance(), local.guest(1, Flavour.DEFAULT).build(),
 *             local.kit().readyProbe()).block(BOOT));
 * }
 * }</pre>
 */
public final class LaunchFixture implements BeforeEachCallback, AfterEachCallback {

    /** How long killing the kept VMs may take: kill() completes once QEMU is reaped and its folder removed. */
    private static final Duration KILL = Duration.ofSeconds(60);

    private final GuestKit kit = GuestKit.locate();
    private final List<RunningVm> kept = new CopyOnWriteArrayList<>();
    private Path runBase;
    private QemuLauncher launcher;

    /** A fresh run base and a launcher on it. */
    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        runBase = Files.createTempDirectory(Path.of("/tmp"), "qr-it-");
        launcher = new QemuLauncher(options());
    }

    /** Kills what the test kept (whatever the test did), then removes the run base; a leftover fails the test. */
    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        List<RunningVm> vms = new ArrayList<>(kept);
        kept.clear();
        try {
            Flux.fromIterable(vms).flatMap(vm -> vm.kill().onErrorResume(e -> Mono.empty())).then().block(KILL);
        } finally {
            try (Stream<Path> walk = Files.walk(runBase)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The test guest kit (built by {@code scripts/build-guest}). */
    public GuestKit kit() {
        return kit;
    }

    /** This test's run base: empty at the start of the test. */
    public Path runBase() {
        return runBase;
    }

    /** The default launch options with this test's run base, for a test that builds a launcher of its own. */
    public LaunchOptions options() {
        return LaunchOptions.defaults().withRunBase(runBase.toString());
    }

    /** A launcher with the default options on this test's run base. */
    public QemuLauncher launcher() {
        return launcher;
    }

    /** The kit's spec of {@code flavour} under TCG (the only accelerator that works on these machines). */
    public VmSpec.Builder guest(int id, GuestKit.Flavour flavour) {
        return kit.spec(id, flavour).accelerator(Accelerator.TCG);
    }

    /**
     * The run folder of a launch in progress, once QEMU has written its pid there (60 s at most):
     * for tests that act on a launch before it is over.
     */
    public Path awaitRunFolder() {
        Path[] found = new Path[1];
        boolean seen = Fixtures.await(Duration.ofSeconds(60), () -> {
            try (var files = Files.list(runBase)) {
                List<Path> dirs = files.filter(Files::isDirectory).toList();
                if (!dirs.isEmpty() && !readQuietly(dirs.get(0).resolve("qemu.pid")).isBlank()) {
                    found[0] = dirs.get(0);
                    return true;
                }
                return false;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        });
        if (!seen) {
            throw new AssertionError("no run folder with a pidfile appeared in " + runBase);
        }
        return found[0];
    }

    /** The pid QEMU wrote into {@code runFolder}'s pidfile. */
    public static long qemuPid(Path runFolder) {
        return Long.parseLong(readQuietly(runFolder.resolve("qemu.pid")).strip());
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Kills {@code vm} after the test, whatever the test does (a VM already stopped is fine); returns it. */
    public RunningVm keep(RunningVm vm) {
        if (vm != null) {
            kept.add(vm);
        }
        return vm;
    }
}
