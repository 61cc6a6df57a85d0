package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelDirectStreamLocal;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A host reached over SSH with JSch. One SSH session serves every VM on the host and is
 * re-established with backoff when it drops. On it, one long-lived {@link RemoteShell} runs every
 * command, starts every process and reports every exit, as argv lists with each element quoted
 * for the remote shell: the user's login shell (and its startup files) runs once per session, not
 * once per command, and there is one exit watcher per host, not one per process. Remote unix
 * sockets (QMP, QGA, serial) are reached once they exist, each connection over an SSH channel of
 * its own that the protocol clients run on directly ({@link SshUnixSocket}), with one connect each.
 *
 * <p>JSch is a blocking library: its calls run on Reactor's bounded elastic scheduler, never on
 * Netty's event loops, and nothing waits by sleeping or polling.
 */
public final class SshHost implements Host {

    private static final Logger log = LoggerFactory.getLogger(SshHost.class);
    private static final int CONNECT_TIMEOUT_MS = 15_000;
    /** How long a socket may take to appear on the host once its process runs. */
    private static final Duration SOCKET_WAIT = Duration.ofSeconds(30);
    private static final int RECENT_EXITS = 256;
    /** The exit status a POSIX shell gives a command it cannot find. */
    private static final int SHELL_NOT_FOUND = 127;
    private final SshTarget target;
    private final Reaper reaper = Reaper.forHost(this, Reaper.sshGrace());
    private final PendingCleanups cleanups = new PendingCleanups();
    private final Object lock = new Object();
    private final CountingServerSockets forwards = new CountingServerSockets();
    /** SSH channels opened to unix sockets on the host, one per connection. */
    private final AtomicLong socketChannels = new AtomicLong();
    /** Live processes this host started, to find the owner of a socket to wait for. */
    private final Set<SshProcess> processes = ConcurrentHashMap.newKeySet();
    /** The last {@link #RECENT_EXITS} processes that exited, newest first: their sockets will not come back. */
    private final Deque<SshProcess> exited = new ArrayDeque<>();
    /** Local port -> remote socket path, for each forward still open. */
    private final Map<Integer, String> forwardedPaths = new ConcurrentHashMap<>();
    /** Written under {@link #lock}; volatile, as {@link #closed} is, for {@link #liveSession()}'s look without it. */
    private volatile Session session;
    private RemoteShell shellOfSession;
    private Session shellSession;
    private Mono<RemoteShell> shellOpening;
    private volatile boolean closed;

    private SshHost(SshTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * An SSH host for {@code target}; connects lazily, on the first operation that needs the session.
     *
     * @param target where and how to connect
     * @return a host not yet connected
     */
    public static SshHost of(SshTarget target) {
        return new SshHost(target);
    }

    /**
     * Where and how this host connects.
     *
     * @return the target given to {@link #of(SshTarget)}
     */
    public SshTarget target() {
        return target;
    }

    @Override
    public String name() {
        return target.uri();
    }

    @Override
    public Mono<CommandResult> exec(List<String> argv) {
        return run(List.copyOf(argv), null).map(out -> new CommandResult(argv, out.exitCode(),
                new String(out.stdout(), StandardCharsets.UTF_8), new String(out.stderr(), StandardCharsets.UTF_8)));
    }

    /**
     * Starts the program through the host's command shell, which stays its parent, reports its pid
     * at once and its exit status when it ends (128+N when killed by signal N).
     */
    @Override
    public Mono<HostProcess> start(List<String> argv, String logFile) {
        List<String> command = List.copyOf(argv);
        return shell().flatMap(shell -> shell.start(command, logFile)
                .map(started -> {
                    SshProcess process = new SshProcess(this, started, folder -> shell.removeOnExit(started.request(), folder),
                            logFile, command);
                    processes.add(process);
                    process.onExit().subscribe(code -> forget(process), error -> forget(process));
                    return (HostProcess) process;
                }));
    }

    /**
     * See {@link SshInteractiveProcess}: stdin and stdout are the exec channel's own streams; sshd ends the
     * stdin when the channel or the session ends.
     */
    @Override
    public Mono<InteractiveProcess> startInteractive(List<String> argv) {
        return SshInteractiveProcess.start(this, List.copyOf(argv));
    }

    @Override
    public Reaper reaper() {
        return reaper;
    }

    @Override
    public Mono<Void> createPrivateFolder(String path) {
        return exec(List.of("sh", "-c", "mkdir -p -- \"$(dirname -- \"$1\")\" && mkdir -m 0700 -- \"$1\"", "sh", path))
                .flatMap(r -> r.succeeded() ? Mono.<Void>empty()
                        : Mono.error(new HostException("cannot create " + path + " on " + name() + ": " + r.describeFailure())));
    }

    @Override
    public Mono<Void> deleteFolder(String path) {
        return exec(List.of("rm", "-rf", "--", path))
                .flatMap(r -> r.succeeded() ? Mono.<Void>empty()
                        : Mono.error(new HostException("cannot delete " + path + " on " + name() + ": " + r.describeFailure())));
    }

    @Override
    public Mono<Void> writeFile(String path, byte[] content, Set<PosixFilePermission> permissions) {
        String mode = Integer.toOctalString(PosixModes.toMode(permissions));
        // umask 077 so the file is never readable by others before chmod gives it its mode
        List<String> argv = List.of("sh", "-c", "umask 077 && cat > \"$1\" && chmod \"$2\" \"$1\"", "sh", path, mode);
        return run(argv, content).flatMap(out -> out.exitCode == 0 ? Mono.<Void>empty()
                : Mono.error(new HostException("cannot write " + path + " on " + name() + ": " + out.stderrLine())));
    }

    /** Through an exec channel of its own ({@link SshFileCopy}): the command shell carries lines, not 256 MiB. */
    @Override
    public Mono<String> copyFrom(java.nio.file.Path local, String path) {
        return SshFileCopy.copy(this, local, path);
    }

    @Override
    public Mono<byte[]> readFile(String path) {
        return run(List.of("cat", path), null).flatMap(out -> out.exitCode == 0 ? Mono.just(out.stdout)
                : Mono.error(new HostException("cannot read " + path + " on " + name() + ": " + out.stderrLine())));
    }

    /**
     * The remote unix socket as a {@link SshUnixSocket}, once it exists: the host's shell watches for
     * it (bounded by {@link #SOCKET_WAIT}, and by the life of the process whose command line names the
     * socket, when this host started one), so that the first connect reaches a listening peer. Each
     * connection then opens one SSH channel to the socket ({@link #openSocketChannel}); no local port
     * is forwarded (see {@link #forwardUnixSocket} for tools that need one).
     */
    @Override
    public Mono<SocketAddress> reachUnixSocket(String path) {
        return awaitSocket(path).thenReturn(new SshUnixSocket(this, path));
    }

    /**
     * Forwards a local TCP port on 127.0.0.1 to the remote unix socket (OpenSSH's direct-streamlocal),
     * once the socket exists, for clients that can only connect to a socket (e.g. a tool started by the
     * user). JSch accepts each connection on its own thread and relays it on another; the engine's
     * clients use {@link #reachUnixSocket} instead. A connect through a forward whose remote end does
     * not exist yet is accepted locally and then closed by sshd, which looks like a peer that died
     * during the handshake: hence the wait first. The forward closes when the process exits.
     *
     * @param path path of the unix socket on the host
     * @return a cold Mono of the local address (127.0.0.1 and an ephemeral port) forwarded to the socket
     */
    public Mono<InetSocketAddress> forwardUnixSocket(String path) {
        return awaitSocket(path).then(session()).map(s -> {
            try {
                int port = s.setSocketForwardingL("127.0.0.1", 0, path, forwards, CONNECT_TIMEOUT_MS);
                forwardedPaths.put(port, path);
                return new InetSocketAddress("127.0.0.1", port);
            } catch (JSchException e) {
                throw new HostException("cannot forward " + path + " from " + name() + ": " + e.getMessage(), e);
            }
        });
    }

    /** Completes when {@code path} exists on the host; fails at once if the process that made it has exited. */
    private Mono<Void> awaitSocket(String path) {
        return Mono.defer(() -> {
            long owner = processes.stream().filter(p -> p.names(path)).mapToLong(SshProcess::pid).findFirst().orElse(0);
            Optional<SshProcess> gone = owner != 0 ? Optional.empty() : recentlyExited(path);
            if (gone.isPresent()) {
                // e.g. a guest agent connected for the first time after its VM stopped: its socket is gone for good
                return Mono.error(new HostException("cannot reach " + path + " on " + name() + ": "
                        + gone.get() + ", whose socket it was, has exited"));
            }
            return shell().flatMap(shell -> shell.awaitSocket(path, owner, SOCKET_WAIT));
        });
    }

    /**
     * Opens one SSH channel to the unix socket {@code path} on the host: JSch's session thread writes
     * what the socket sends to {@code fromPeer} (and closes it when the socket ends); the returned
     * stream writes to the socket and, when closed, closes the channel. No thread is started.
     */
    Mono<OutputStream> openSocketChannel(String path, OutputStream fromPeer) {
        return Mono.defer(() -> {
            // a StreamOpener runs on a bounded-elastic worker already: with the session up, the channel is
            // opened right here, where session() would first hop to another worker, one wake-up (0.1–0.4 ms
            // on a 2-core machine) on the critical path of every connect before the open request even leaves
            Session up = liveSession();
            return up != null ? Mono.just(up) : session();
        }).map(s -> {
            try {
                ChannelDirectStreamLocal channel = (ChannelDirectStreamLocal) s.openChannel("direct-streamlocal@openssh.com");
                channel.setSocketPath(path);
                channel.setOutputStream(fromPeer);
                // without an input stream JSch opens the channel here, on this thread, and starts no thread of its own
                channel.connect(CONNECT_TIMEOUT_MS);
                socketChannels.incrementAndGet();
                // the id is the "rchan" of sshd's debug log: ties a stalled stream to sshd's view of its channel
                log.debug("{}: SSH channel {} open to {}", name(), channel.getId(), path);
                return (OutputStream) new SocketChannelStream(channel);
            } catch (JSchException | IOException e) {
                throw new HostException("cannot open a channel to " + path + " on " + name() + ": " + e.getMessage(), e);
            }
        });
    }

    /** Writes to an SSH channel; closing it closes the channel (which closes the socket on the host). */
    private static final class SocketChannelStream extends FilterOutputStream {
        private final ChannelDirectStreamLocal channel;

        SocketChannelStream(ChannelDirectStreamLocal channel) throws IOException {
            super(channel.getOutputStream());
            this.channel = channel;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (channel.isClosed() && log.isDebugEnabled()) {
                // JSch drops what is written to a closed channel without a word: say so (a stall diagnostic)
                log.debug("writing {} bytes to closed SSH channel {}", len, channel.getId());
            }
            out.write(b, off, len);
        }

        @Override
        public void close() {
            channel.disconnect();
        }
    }

    /** Moves an exited process to the short list of recent exits (bounded: a long-lived host starts many). */
    private void forget(SshProcess process) {
        synchronized (exited) {
            exited.addFirst(process);
            if (exited.size() > RECENT_EXITS) {
                exited.removeLast();
            }
        }
        processes.remove(process);
        closeForwards(process);
    }

    /**
     * Stops listening on the forwards to the sockets of a process that exited: they lead nowhere now,
     * and each holds a port and a JSch thread. Sessions made through them end with the process.
     */
    private void closeForwards(SshProcess process) {
        Session s;
        synchronized (lock) {
            s = session;
        }
        forwardedPaths.entrySet().removeIf(forward -> {
            if (!process.names(forward.getValue())) {
                return false;
            }
            try {
                if (s != null) {
                    s.delPortForwardingL("127.0.0.1", forward.getKey());
                }
            } catch (JSchException e) {
                log.debug("{}: forward of {} was already gone: {}", name(), forward.getValue(), e.getMessage());
            }
            return true;
        });
    }

    /**
     * The local ports still forwarded to sockets on the host (a diagnostic: they close when their process exits).
     *
     * @return the number of open forwards
     */
    public int openForwards() {
        return forwardedPaths.size();
    }

    private Optional<SshProcess> recentlyExited(String path) {
        synchronized (exited) {
            return exited.stream().filter(p -> p.names(path)).findFirst();
        }
    }

    /**
     * How many connections were opened to this host's unix sockets over its life (SSH channels
     * opened for {@link #reachUnixSocket}, plus connects through {@link #forwardUnixSocket}'s
     * forwards): one per protocol session when every connect reaches a listening socket.
     *
     * @return the total number of socket connections opened, since this host was made
     */
    public long forwardedConnections() {
        return socketChannels.get() + forwards.accepted();
    }

    @Override
    public PendingCleanups cleanups() {
        return cleanups;
    }

    /**
     * Awaits the cleanups begun over this host (a cancelled launch's kill and folder removal run over this
     * session), bounded; then closes the reaper's input (what is still tracked here is stopped after its
     * grace), then the session.
     */
    @Override
    public Mono<Void> close() {
        return cleanups.settled(PendingCleanups.CLOSE_WAIT)
                .then(reaper.close().onErrorResume(e -> Mono.empty()))
                .then(Mono.<Void>fromRunnable(() -> {
            Session s;
            RemoteShell sh;
            synchronized (lock) {
                closed = true;
                s = session;
                session = null;
                sh = shellOfSession;
                shellOfSession = null;
            }
            if (sh != null) {
                sh.close();
            }
            if (s != null) {
                s.disconnect();
            }
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public String toString() {
        return name();
    }

    /** The shared session, connected (again) when needed; transient failures are retried with backoff. */
    Mono<Session> session() {
        return Mono.fromCallable(this::connectedSession)
                .subscribeOn(Schedulers.boundedElastic())
                .retryWhen(Retry.backoff(3, Duration.ofMillis(200))
                        .filter(SshHost::isTransient)
                        .doBeforeRetry(r -> log.debug("ssh {}: retrying after {}", name(), r.failure().toString()))
                        .onRetryExhaustedThrow((spec, signal) -> signal.failure()))
                .onErrorMap(JSchException.class, this::describe);
    }

    /**
     * The session if the host is open and the session connected, else null. Never blocks: it does not
     * wait for the lock, which {@link #connectedSession()} holds while it connects.
     */
    private Session liveSession() {
        Session s = session;
        return !closed && s != null && s.isConnected() ? s : null;
    }

    private Session connectedSession() throws JSchException {
        synchronized (lock) {
            if (closed) {
                throw new HostException(name() + " is closed");
            }
            Session live = liveSession();
            if (live != null) {
                return live;
            }
            JSch jsch = new JSch();
            if (target.identity().isPresent()) {
                jsch.addIdentity(target.identity().get().toString());
            }
            if (Files.exists(target.knownHosts())) {
                KnownHostsFile.check(target.knownHosts());
                jsch.setKnownHosts(target.knownHosts().toString());
            }
            Session s = jsch.getSession(target.user(), target.host(), target.port());
            s.setConfig("StrictHostKeyChecking", target.verifyHostKeys() ? "yes" : "no");
            s.setConfig("PreferredAuthentications", "publickey");
            s.setServerAliveInterval(10_000);
            s.connect(CONNECT_TIMEOUT_MS);
            session = s;
            return s;
        }
    }

    private static boolean isTransient(Throwable t) {
        String m = String.valueOf(t.getMessage());
        return t instanceof JSchException && !m.contains("Auth fail") && !m.contains("HostKey")
                && !m.contains("USERAUTH fail") && !m.contains("invalid privatekey");
    }

    private HostException describe(JSchException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("HostKey")) {
            return new HostException(name() + ": host key not trusted (" + m + "); add it to "
                    + target.knownHosts() + " (ssh-keyscan -p " + target.port() + " " + target.host() + ")", e);
        }
        if (m.contains("Auth fail") || m.contains("USERAUTH fail")) {
            return new HostException(name() + ": authentication failed; check the identity file"
                    + target.identity().map(p -> " " + p).orElse(" (none given)"), e);
        }
        return new HostException("cannot reach " + name() + ": " + m, e);
    }

    /** One string for the remote shell: each argument quoted, under {@code sudo -n} if the target asks. */
    String remoteCommand(List<String> argv) {
        return (target.sudo() ? "sudo -n " : "") + ShellQuoting.join(argv);
    }

    private Mono<Output> run(List<String> argv, byte[] stdin) {
        return shell().flatMap(shell -> shell.exec(argv, stdin)).map(out -> {
            Output o = new Output(out.exitCode(), out.stdout(), out.stderr());
            if (o.exitCode == SHELL_NOT_FOUND && o.stderrLine().contains("not found")) {
                throw new CommandNotFoundException(argv.get(0), name(), Packages.installHint(argv.get(0)));
            }
            return o;
        });
    }

    /** The host's command shell, started (again) on the current session when needed; one start at a time. */
    private Mono<RemoteShell> shell() {
        return session().flatMap(s -> {
            synchronized (lock) {
                if (shellOfSession != null && shellOfSession.isOpen() && shellSession == s) {
                    return Mono.just(shellOfSession);
                }
                if (shellOpening == null || shellSession != s) {
                    shellSession = s;
                    shellOpening = RemoteShell.open(s, name(), target.sudo() ? List.of("sudo", "-n") : List.of())
                            .doOnNext(sh -> {
                                synchronized (lock) {
                                    shellOfSession = sh;
                                    shellOpening = null;
                                }
                            })
                            .doOnError(e -> {
                                synchronized (lock) {
                                    shellOpening = null;
                                }
                            })
                            .cache();
                }
                return shellOpening;
            }
        });
    }

    private record Output(int exitCode, byte[] stdout, byte[] stderr) {
        String stderrLine() {
            String last = OutputTail.lastLines(new String(stderr, StandardCharsets.UTF_8), 1);
            return last.isEmpty() ? "exit status " + exitCode : last;
        }
    }
}
