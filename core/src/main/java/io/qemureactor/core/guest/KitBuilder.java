package io.qemureactor.core.guest;

import io.qemureactor.core.host.LocalHost;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The kit builder shipped inside this jar: the repository's {@code scripts/build-guest} and
 * {@code scripts/guest/*}, byte for byte (core's build copies them in). Copied out to a private
 * folder and run with bash; because the builder's stamp hashes its inputs' contents, a kit built
 * from a checkout of the same version is up to date for the jar's copy too, and the reverse.
 */
final class KitBuilder {

    /** Where the builder's files sit on the classpath. */
    static final String RESOURCE_ROOT = "io/qemureactor/core/guest/kit";

    private KitBuilder() {
    }

    /**
     * Runs the builder for {@code home} ({@code force}: even when the kit is up to date); each
     * line it prints goes to {@code progress}.
     */
    static Mono<Void> build(Path home, boolean force, Consumer<String> progress) {
        return Mono.usingWhen(
                Mono.fromCallable(KitBuilder::extract).subscribeOn(Schedulers.boundedElastic()),
                dir -> run(dir.resolve("build-guest"), force, home, progress),
                dir -> Mono.fromRunnable(() -> deleteTree(dir)).subscribeOn(Schedulers.boundedElastic()));
    }

    private static Mono<Void> run(Path script, boolean force, Path home, Consumer<String> progress) {
        AtomicReference<String> last = new AtomicReference<>("no output");
        List<String> argv = force ? List.of("bash", script.toString(), "--force") : List.of("bash", script.toString());
        return Mono.fromCallable(() -> {
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
            pb.environment().put("QEMU_REACTOR_HOME", home.toString());
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            return pb.start();
        }).flatMap(process -> LocalHost.instance().reaper().track(process.pid(), null)
                // the builder goes to the reaper like every process the engine starts: a JVM killed mid-build
                // leaves no builder (SIGTERM: its trap removes its half-built folder)
                .onErrorResume(e -> Mono.fromRunnable(process::destroy).then(Mono.error(e)))
                .flatMap(reaped -> Flux.using(
                        () -> new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                        reader -> Flux.fromStream(reader.lines()),
                        KitBuilder::closeQuietly)
                .doOnNext(line -> {
                    last.set(line);
                    progress.accept(line);
                })
                .then(Mono.fromFuture(process.onExit(), true))
                .flatMap(p -> reaped.forget().thenReturn(p))
                .flatMap(p -> p.exitValue() == 0 ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("building the test guest kit at " + home
                                + " failed (exit " + p.exitValue() + "): " + last.get())))
                // SIGTERM: the builder's trap removes its half-built folder; the reaper forgets it once it is gone
                .doOnCancel(() -> {
                    process.destroy();
                    Mono.fromFuture(process.onExit(), true).then(reaped.forget()).subscribe(v -> { }, e -> { });
                })))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** Copies the builder out of the classpath into a new private folder. */
    static Path extract() throws IOException {
        URL root = KitBuilder.class.getClassLoader().getResource(RESOURCE_ROOT + "/build-guest");
        if (root == null) {
            throw new IllegalStateException("this build of qemu-reactor core carries no guest kit builder ("
                    + RESOURCE_ROOT + "/build-guest is not on the classpath)");
        }
        Path dir = Files.createTempDirectory("qemu-reactor-kit-builder");
        try {
            URI uri = root.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    copyTree(jar.getPath("/" + RESOURCE_ROOT), dir);
                }
            } else {
                copyTree(Path.of(uri).getParent(), dir);
            }
        } catch (URISyntaxException | IOException | UncheckedIOException e) {
            deleteTree(dir);
            throw new IOException("cannot copy the guest kit builder out of the classpath: " + e.getMessage(), e);
        }
        return dir;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = new ArrayList<>(s.toList());
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                try (InputStream in = Files.newInputStream(p)) {
                    Files.copy(in, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    private static void closeQuietly(BufferedReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            // the process is gone or going
        }
    }
}
