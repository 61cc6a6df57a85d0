package io.qemureactor.core.host;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The machine this JVM runs on.
 *
 * <p>Commands run from an argv list, never through a shell. A process's exit is observed with
 * {@link Process#onExit()} so that no thread waits per process, and its output goes to files
 * in a private temporary folder rather than to pipes that would need a reader thread each; only
 * the last {@link #OUTPUT_LIMIT} bytes of each stream are kept.
 */
public final class LocalHost implements Host {

    /** How much of a command's stdout and stderr is kept: the tail, when the output is longer. */
    public static final int OUTPUT_LIMIT = 1 << 20;

    private static final LocalHost INSTANCE = new LocalHost();

    private final Reaper reaper = Reaper.forHost(this, Reaper.LOCAL_GRACE);
    private final PendingCleanups cleanups = new PendingCleanups();

    private LocalHost() {
    }

    /**
     * The single local host of this JVM (its {@link Reaper} is shared by everything started here).
     *
     * @return the shared instance
     */
    public static LocalHost instance() {
        return INSTANCE;
    }

    @Override
    public String name() {
        return "localhost";
    }

    /**
     * Runs {@code argv} to completion. Nothing starts until subscription; cancelling the Mono
     * kills the process. A program that is not on the PATH fails with
     * {@link CommandNotFoundException}; a non-zero exit is a normal result, not an error.
     */
    @Override
    public Mono<CommandResult> exec(List<String> argv) {
        List<String> command = List.copyOf(Objects.requireNonNull(argv, "argv"));
        if (command.isEmpty()) {
            return Mono.error(new IllegalArgumentException("argv must name a program"));
        }
        return Mono.usingWhen(
                Mono.fromCallable(() -> Files.createTempDirectory("qemu-reactor-exec"))
                        .subscribeOn(Schedulers.boundedElastic()),
                // runs on the boundedElastic thread that created the folder
                dir -> Mono.fromCallable(() -> start(command, dir))
                        .flatMap(process -> Mono.fromFuture(process.onExit(), true)
                                .doOnCancel(process::destroyForcibly))
                        .publishOn(Schedulers.boundedElastic())
                        .map(process -> new CommandResult(command, process.exitValue(),
                                tail(dir.resolve("stdout")), tail(dir.resolve("stderr")))),
                dir -> Mono.fromRunnable(() -> deleteQuietly(dir)).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public Mono<HostProcess> start(List<String> argv, String logFile) {
        ProcessBuilder builder = new ProcessBuilder(List.copyOf(argv))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(logFile).toFile()));
        return Mono.fromCallable(() -> (HostProcess) new LocalProcess(this, spawn(builder), Path.of(logFile)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * The child's stdin and stdout are pipes; see {@link LocalInteractiveProcess} for how stdout is read. The
     * kernel closes the stdin pipe when this JVM ends, however it ends.
     */
    @Override
    public Mono<InteractiveProcess> startInteractive(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(List.copyOf(argv)).redirectErrorStream(true);
        return Mono.fromCallable(() -> (InteractiveProcess) new LocalInteractiveProcess(this, spawn(builder)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Reaper reaper() {
        return reaper;
    }

    /** In-process: a check that spawns no {@code test} process (a few milliseconds per launch saved). */
    @Override
    public Mono<Boolean> isReadable(String path) {
        return Mono.fromCallable(() -> Files.isReadable(Path.of(path))).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> createPrivateFolder(String path) {
        return Mono.<Void>fromRunnable(() -> {
            Path dir = Path.of(path);
            try {
                if (dir.getParent() != null) {
                    Files.createDirectories(dir.getParent());
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new HostException("run folder " + path + " already exists on localhost: is another VM using it?", e);
            } catch (IOException e) {
                throw new HostException("cannot create " + path + " on localhost: " + e.getMessage(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> deleteFolder(String path) {
        return Mono.<Void>fromRunnable(() -> deleteTree(Path.of(path))).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> writeFile(String path, byte[] content, Set<PosixFilePermission> permissions) {
        return Mono.<Void>fromRunnable(() -> {
            Path target = Path.of(path);
            try {
                // create it private first, then fill it, so the content is never readable by others
                Files.deleteIfExists(target);
                Files.createFile(target, PosixFilePermissions.asFileAttribute(
                        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
                Files.write(target, content);
                Files.setPosixFilePermissions(target, permissions);
            } catch (IOException e) {
                throw new HostException("cannot write " + path + " on localhost: " + e.getMessage(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<byte[]> readFile(String path) {
        return Mono.fromCallable(() -> {
            try {
                return Files.readAllBytes(Path.of(path));
            } catch (IOException e) {
                throw new HostException("cannot read " + path + " on localhost: " + e.getMessage(), e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<SocketAddress> reachUnixSocket(String path) {
        return Mono.fromSupplier(() -> UnixDomainSocketAddress.of(path));
    }

    @Override
    public PendingCleanups cleanups() {
        return cleanups;
    }

    /** Nothing to release here (the local host is shared by the whole JVM); awaits the cleanups begun before. */
    @Override
    public Mono<Void> close() {
        return cleanups.settled(PendingCleanups.CLOSE_WAIT);
    }

    @Override
    public String toString() {
        return name();
    }

    private Process start(List<String> command, Path dir) {
        return spawn(new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()));
    }

    /** Every process this host starts is started here: a missing program is named, with its package. */
    private Process spawn(ProcessBuilder builder) {
        String program = builder.command().get(0);
        try {
            return builder.start();
        } catch (IOException e) {
            if (isMissingProgram(e)) {
                throw notFound(program);
            }
            throw new HostException("cannot start " + program + " on localhost: " + e.getMessage(), e);
        }
    }

    /** ProcessBuilder reports a missing program as "error=2, No such file or directory". */
    private static boolean isMissingProgram(IOException e) {
        return String.valueOf(e.getMessage()).contains("error=2");
    }

    private CommandNotFoundException notFound(String program) {
        return new CommandNotFoundException(program, name(), Packages.installHint(program));
    }

    static String tail(Path file) {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long from = Math.max(0, length - OUTPUT_LIMIT);
            byte[] bytes = new byte[(int) (length - from)];
            raf.seek(from);
            raf.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new HostException("cannot delete " + dir + " on localhost: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (RuntimeException ignored) {
            // a temp folder we could not remove is not worth failing a command for
        }
    }
}
