package io.qemureactor.core.host;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermission;
import reactor.core.publisher.Mono;

/**
 * A machine that runs QEMU: this one ({@link LocalHost}) or one reached over SSH
 * ({@link SshHost}). Every operation is a cold {@link Mono}: nothing happens until
 * subscription, and cancelling stops what it started.
 */
public interface Host {

    /**
     * A short name for messages: {@code localhost}, {@code ssh://user@host:22}.
     *
     * @return the host's display name; never null
     */
    String name();

    /**
     * Runs a program from an argv list (never a shell string; an SSH host quotes each element)
     * and completes with its exit status and bounded output. A non-zero exit is a result, not an
     * error; a program that is not installed fails with {@link CommandNotFoundException}.
     *
     * @param argv the program and its arguments, one element each
     * @return a cold Mono of the exit status and output tail
     */
    Mono<CommandResult> exec(List<String> argv);

    /**
     * Starts a long-running program (QEMU) from an argv list, its stdout and stderr appended to
     * {@code logFile} on the host. Completes once the process runs and its pid is known; the
     * process is then the caller's to stop ({@link HostProcess#kill()}).
     *
     * @param argv the program and its arguments, one element each
     * @param logFile path on this host that receives the process's stdout and stderr
     * @return a cold Mono of the running process
     */
    Mono<HostProcess> start(List<String> argv, String logFile);

    /**
     * This host's {@link Reaper}: whoever starts a process here registers its pid and folder with it, so
     * that they are stopped and removed if this JVM dies. Hosts without one return {@link Reaper#none()}.
     *
     * @return this host's reaper, or {@link Reaper#none()}
     */
    default Reaper reaper() {
        return Reaper.none();
    }

    /**
     * Starts a long-running program whose stdin the caller writes and whose stdout and stderr (merged)
     * the caller reads ({@link InteractiveProcess}), from an argv list. Completes once the process runs
     * and its pid is known; the process is then the caller's to stop. A program that is not installed
     * fails with {@link CommandNotFoundException}. The process's stdin is held by this JVM for its whole
     * life: when this JVM dies (or, on an SSH host, its session ends) the process reads end of input. Hosts that cannot do this fail with {@link HostException}.
     *
     * @param argv the program and its arguments, one element each
     * @return a cold Mono of the running interactive process
     */
    default Mono<InteractiveProcess> startInteractive(List<String> argv) {
        return Mono.error(new HostException(name() + " cannot run interactive processes"));
    }

    /**
     * Creates {@code path} and its parents, the last one private to the user (mode 0700).
     *
     * @param path absolute folder path on this host
     * @return a cold Mono that completes once the folder exists
     */
    Mono<Void> createPrivateFolder(String path);

    /**
     * Deletes a folder and everything in it; a folder already gone is fine.
     *
     * @param path folder path on this host
     * @return a cold Mono that completes once the folder is gone
     */
    Mono<Void> deleteFolder(String path);

    /**
     * Writes {@code content} to {@code path} (replacing it) with the given permissions.
     *
     * @param path file path on this host
     * @param content the whole file content
     * @param permissions the POSIX permissions the file gets
     * @return a cold Mono that completes once the file is written
     */
    Mono<Void> writeFile(String path, byte[] content, Set<PosixFilePermission> permissions);

    /**
     * True if {@code path} exists and this host's user can read it. The default runs
     * {@code test -r}; the local host asks the file system in-process.
     *
     * @param path file path on this host
     * @return a cold Mono of true if readable, false otherwise
     */
    default Mono<Boolean> isReadable(String path) {
        return exec(List.of("test", "-r", path)).map(CommandResult::succeeded);
    }

    /**
     * Copies the local file {@code local} to {@code path} on this host (created or replaced, readable by its
     * user only), streamed rather than held in memory, and completes with the SHA-256 (hex) of the bytes sent,
     * so that the caller can check what arrived. Hosts that cannot receive files fail with
     * {@link UnsupportedOperationException}; the local host has the file already.
     *
     * @param local the file in this JVM's file system to send
     * @param path destination path on this host
     * @return a cold Mono of the SHA-256 (lower-case hex) of the bytes sent
     */
    default Mono<String> copyFrom(Path local, String path) {
        return Mono.error(new UnsupportedOperationException(name() + " cannot receive file copies"));
    }

    /**
     * Reads a whole (small) file into memory.
     *
     * @param path file path on this host
     * @return a cold Mono of the file's bytes
     */
    Mono<byte[]> readFile(String path);

    /**
     * An address that reaches the unix socket {@code path} on the host: the socket itself on the
     * local host; for an SSH host, an {@link SshUnixSocket} (a stream the protocol clients open
     * over an SSH channel, not a socket this JVM can connect to: see {@code SshHost.forwardUnixSocket}
     * for a local port).
     *
     * @param path path of the unix socket on this host
     * @return a cold Mono of an address the project's protocol clients can open
     */
    Mono<SocketAddress> reachUnixSocket(String path);

    /**
     * The cleanups running over this host that must end even though whoever began them stopped listening (a
     * cancelled launch's kill and folder removal, a switch's stop): the engine runs each one here too, and
     * {@link #close()} awaits them before it lets go of the host, so that closing an SSH host right after a
     * cancel does not cut a cleanup off half way.
     *
     * @return this host's registry of running cleanups
     */
    PendingCleanups cleanups();

    /**
     * Releases what the host holds (an SSH session, forwards), once the {@link #cleanups()} begun before have
     * ended (bounded); idempotent.
     *
     * @return a cold Mono that completes once released
     */
    Mono<Void> close();
}
