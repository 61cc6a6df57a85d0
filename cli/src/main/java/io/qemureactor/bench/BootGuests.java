package io.qemureactor.bench;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.ConsoleSpec;
import io.qemureactor.core.spec.VmSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import reactor.core.publisher.Mono;

/**
 * The one guest every method of {@code bench boot} boots: the test guest's default flavour, 1 vCPU,
 * 256 MiB, TCG, console on the first serial port, agent channel on the second. The engine gets the
 * {@link VmSpec}; the baselines get the argv {@link QemuCommandLine} renders from the very same spec
 * (same kernel, initrd, {@code -append}, memory, devices), with only the console's chardev changed to
 * what they can read without an engine.
 */
final class BootGuests {

    static final String QEMU = "qemu-system-x86_64";
    private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final GuestKit kit;

    BootGuests(GuestKit kit) {
        this.kit = kit;
    }

    GuestKit kit() {
        return kit;
    }

    String marker() {
        return kit.marker();
    }

    /** The engine's spec for VM {@code id}. */
    VmSpec spec(int id) {
        return kit.spec(id, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
    }

    /** The engine's argv for {@code id} in {@code runFolder}, as the launcher renders it (without its {@code -S}). */
    List<String> engineArgv(int id, Path runFolder) {
        return QemuCommandLine.render(spec(id), Accelerator.TCG, RunLayout.in(runFolder), QEMU)
                .checkUnixSocketPaths().argv();
    }

    /**
     * {@code argv} with its QMP socket not waiting for a client: the baselines connect none, and the engine's
     * {@code wait=on} (see QemuCommandLine) would hold their QEMUs at start-up.
     */
    static List<String> withoutQmpClient(List<String> argv) {
        List<String> copy = new ArrayList<>(argv);
        int qmp = copy.indexOf("-qmp");
        if (qmp >= 0 && qmp + 1 < copy.size()) {
            copy.set(qmp + 1, copy.get(qmp + 1).replace(",server=on,wait=on", ",server=on,wait=off"));
        }
        return copy;
    }

    /**
     * The raw baseline's argv: the engine's, with the console chardev ({@code socket,id=console,...}) replaced
     * by a unix socket QEMU listens on, {@code consoleSocket}, without waiting for a client ({@code wait=off}:
     * the guest runs at once, as with no reader at all; the reader connects within a millisecond or so of the
     * socket's creation, seconds before the guest prints anything it looks for).
     */
    List<String> socketConsoleArgv(int id, Path runFolder, Path consoleSocket) {
        List<String> argv = withoutQmpClient(engineArgv(id, runFolder));
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-chardev") && argv.get(i + 1).startsWith("socket,id=console,")) {
                argv.set(i + 1, "socket,id=console,path=" + consoleSocket + ",server=on,wait=off");
                return argv;
            }
        }
        throw new IllegalStateException("no console chardev in " + argv);
    }

    /** The seed's argv: the same spec with the console in a log file ({@code -chardev file,...}), which it polls. */
    List<String> logFileConsoleArgv(int id, Path runFolder, Path consoleLog) {
        VmSpec spec = spec(id).toBuilder().serialConsole(ConsoleSpec.logFile(consoleLog)).build();
        return withoutQmpClient(QemuCommandLine.render(spec, Accelerator.TCG, RunLayout.in(runFolder), QEMU).checkUnixSocketPaths().argv());
    }

    /** SIGKILL by pid (never by name), then the exit ({@link Process#onExit()}), bounded; never fails. */
    static Mono<Void> kill(Process p) {
        return Mono.defer(() -> {
            p.destroyForcibly();
            return Mono.fromFuture(p.onExit());
        }).timeout(EXIT_WAIT).then().onErrorResume(e -> Mono.empty());
    }

    static Path tempBase(String prefix) throws IOException {
        return Files.createTempDirectory(Path.of("/tmp"), prefix);
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
