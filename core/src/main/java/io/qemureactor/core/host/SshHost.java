package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A host reached over SSH with JSch. One SSH session serves every VM on the host and is
 * re-established with backoff when it drops. Commands go as argv lists, each element quoted
 * for the remote shell; remote unix sockets (QMP, QGA, serial) are forwarded to local TCP ports
 * so the protocol clients connect to them unchanged.
 *
 * <p>JSch is a blocking library: its calls run on Reactor's bounded elastic scheduler, and a
 * command's completion is observed by checking its channel every few milliseconds on a timer,
 * never by a thread that sleeps.
 */
public final class SshHost implements Host {

    private static final Logger log = LoggerFactory.getLogger(SshHost.class);
    private static final int CONNECT_TIMEOUT_MS = 15_000;
    private static final Duration CLOSE_POLL = Duration.ofMillis(5);
    /** The exit status a POSIX shell gives a command it cannot find. */
    private static final int SHELL_NOT_FOUND = 127;

    private final SshTarget target;
    private final Object lock = new Object();
    private Session session;
    private boolean closed;

    private SshHost(SshTarget target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    public static SshHost of(SshTarget target) {
        return new SshHost(target);
    }

    public SshTarget target() {
        return target;
    }

    @Override
    public String name() {
        return target.uri();
    }

    @Override
    public Mono<CommandResult> exec(List<String> argv) {
        return run(List.copyOf(argv), null).map(out -> new CommandResult(argv, out.exitCode,
                new String(out.stdout, StandardCharsets.UTF_8), new String(out.stderr, StandardCharsets.UTF_8)));
    }

    /**
     * Starts the program as a child of {@code sh}, which prints the child's pid and waits for it.
     * The shell stays as the parent (rather than {@code exec}-ing the program) because sshd
     * reports a process killed by a signal as "exit-signal", which JSch does not expose; the
     * shell turns it into the usual {@code 128+N} exit status. The exec channel stays open for
     * the life of the process: its closing is the process's exit.
     */
    @Override
    public Mono<HostProcess> start(List<String> argv, String logFile) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c",
                "log=$1; shift; \"$@\" >>\"$log\" 2>&1 </dev/null & echo $!; wait $!", "sh", logFile));
        wrapped.addAll(argv);
        String command = remoteCommand(wrapped);
        return session().flatMap(s -> Mono.fromCallable(() -> open(s, command, null)).subscribeOn(Schedulers.boundedElastic()))
                .flatMap(running -> Flux.interval(Duration.ofMillis(1), CLOSE_POLL)
                        .map(tick -> running.out.toString())
                        .filter(out -> out.indexOf('\n') >= 0 || running.channel.isClosed())
                        .next()
                        .flatMap(out -> {
                            String first = out.lines().findFirst().orElse("").strip();
                            if (!first.matches("\\d+")) {
                                running.channel.disconnect();
                                return Mono.error(new HostException("cannot start " + argv.get(0) + " on " + name()
                                        + ": " + running.err.toString().strip()));
                            }
                            return Mono.just((HostProcess) new SshProcess(this, Long.parseLong(first), running.channel, logFile));
                        })
                        .doOnCancel(running.channel::disconnect));
    }

    /** See {@link SshInteractiveProcess}: stdin and stdout are the exec channel's own streams. */
    @Override
    public Mono<InteractiveProcess> startInteractive(List<String> argv) {
        return SshInteractiveProcess.start(this, List.copyOf(argv));
    }

    /** Completes with the exit status when the channel of a started process closes. */
    Mono<Integer> awaitClose(ChannelExec channel) {
        return Flux.interval(Duration.ofMillis(1), CLOSE_POLL)
                .filter(tick -> channel.isClosed())
                .next()
                .map(tick -> channel.getExitStatus());
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

    @Override
    public Mono<byte[]> readFile(String path) {
        return run(List.of("cat", path), null).flatMap(out -> out.exitCode == 0 ? Mono.just(out.stdout)
                : Mono.error(new HostException("cannot read " + path + " on " + name() + ": " + out.stderrLine())));
    }

    /** Forwards a local TCP port on 127.0.0.1 to the remote unix socket (OpenSSH's direct-streamlocal). */
    @Override
    public Mono<SocketAddress> reachUnixSocket(String path) {
        return session().map(s -> {
            try {
                int port = s.setSocketForwardingL("127.0.0.1", 0, path, null, CONNECT_TIMEOUT_MS);
                return (SocketAddress) new InetSocketAddress("127.0.0.1", port);
            } catch (JSchException e) {
                throw new HostException("cannot forward " + path + " from " + name() + ": " + e.getMessage(), e);
            }
        });
    }

    @Override
    public Mono<Void> close() {
        return Mono.<Void>fromRunnable(() -> {
            Session s;
            synchronized (lock) {
                closed = true;
                s = session;
                session = null;
            }
            if (s != null) {
                s.disconnect();
            }
        }).subscribeOn(Schedulers.boundedElastic());
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

    private Session connectedSession() throws JSchException {
        synchronized (lock) {
            if (closed) {
                throw new HostException(name() + " is closed");
            }
            if (session != null && session.isConnected()) {
                return session;
            }
            JSch jsch = new JSch();
            if (target.identity().isPresent()) {
                jsch.addIdentity(target.identity().get().toString());
            }
            if (Files.exists(target.knownHosts())) {
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

    private Mono<Output> run(List<String> argv, byte[] stdin) {
        String command = remoteCommand(argv);
        return session().flatMap(s -> Mono.usingWhen(
                Mono.fromCallable(() -> open(s, command, stdin)).subscribeOn(Schedulers.boundedElastic()),
                running -> awaitClose(running.channel).map(status -> running.finish(argv.get(0), name())),
                running -> Mono.fromRunnable(running.channel::disconnect)));
    }

    /** One string for the remote shell: each argument quoted, under {@code sudo -n} if the target asks. */
    String remoteCommand(List<String> argv) {
        return (target.sudo() ? "sudo -n " : "") + ShellQuoting.join(argv);
    }

    private static Running open(Session s, String command, byte[] stdin) throws JSchException {
        ChannelExec channel = (ChannelExec) s.openChannel("exec");
        channel.setCommand(command);
        TailBuffer out = new TailBuffer(LocalHost.OUTPUT_LIMIT);
        TailBuffer err = new TailBuffer(LocalHost.OUTPUT_LIMIT);
        channel.setOutputStream(out, true);
        channel.setErrStream(err, true);
        channel.setInputStream(stdin == null ? new ByteArrayInputStream(new byte[0]) : new ByteArrayInputStream(stdin));
        channel.connect(CONNECT_TIMEOUT_MS);
        return new Running(channel, out, err);
    }

    private record Running(ChannelExec channel, TailBuffer out, TailBuffer err) {
        Output finish(String program, String host) {
            Output o = new Output(channel.getExitStatus(), out.toByteArray(), err.toByteArray());
            if (o.exitCode == SHELL_NOT_FOUND && o.stderrLine().contains("not found")) {
                throw new CommandNotFoundException(program, host, Packages.installHint(program));
            }
            return o;
        }
    }

    private record Output(int exitCode, byte[] stdout, byte[] stderr) {
        String stderrLine() {
            String last = OutputTail.lastLines(new String(stderr, StandardCharsets.UTF_8), 1);
            return last.isEmpty() ? "exit status " + exitCode : last;
        }
    }
}
