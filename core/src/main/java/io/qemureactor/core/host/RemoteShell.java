package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * One long-lived command shell on an SSH host (the script {@code remote-shell.sh}), through which
 * every command, process start and socket wait of the host goes as one line each way.
 *
 * <p>Why: sshd runs every exec channel through the user's login shell, which may read startup
 * files that cost seconds (measured here: root's {@code ~/.bashrc} runs {@code pyenv init}, 2–5 s
 * per exec channel on a loaded 2-core machine). Opening a channel per command paid that for every
 * {@code mkdir}, {@code test -r}, start and {@code kill}; this shell pays it once per session.
 *
 * <p>It is also the host's one exit watcher: the shell is the parent of every process it starts
 * and reports each exit as a line, so a host with 50 VMs costs what a host with one does — no
 * channel, timer or thread per process. Replies arrive on JSch's session thread, which must never
 * block (it also reads the window adjustments our writes wait for), so they are handed to
 * subscribers on {@code boundedElastic}; writes, which JSch may block, run there too.
 */
final class RemoteShell {

    private static final Logger log = LoggerFactory.getLogger(RemoteShell.class);
    private static final String SCRIPT = loadScript();
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(60);
    private static final int CONNECT_TIMEOUT_MS = 15_000;

    /** A command's exit status and output, decoded. */
    record Output(int exitCode, byte[] stdout, byte[] stderr) {
    }

    /** A process the shell started: the request that started it, its pid, and how it ended once it does. */
    record Started(long request, long pid, Mono<Ended> exit) {
    }

    /** A process's exit status, and whether its folder was removed with the exit ({@link #removeOnExit}). */
    record Ended(int status, boolean removedFolder) {
    }

    private final String host;
    private final ChannelExec channel;
    private final OutputStream requests;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Consumer<String[]>> pending = new ConcurrentHashMap<>();
    private final Sinks.One<Long> hello = Sinks.one();
    private final TailBuffer errors = new TailBuffer(4096);
    private volatile boolean closed;

    private RemoteShell(String host, ChannelExec channel, OutputStream requests) {
        this.host = host;
        this.channel = channel;
        this.requests = requests;
    }

    /**
     * Starts the shell on {@code session} and completes once it said hello (the login shell has run).
     *
     * @param prefix put before the shell's command, e.g. {@code sudo -n}; empty for none
     */
    static Mono<RemoteShell> open(Session session, String host, List<String> prefix) {
        return Mono.fromCallable(() -> {
                    ChannelExec channel = (ChannelExec) session.openChannel("exec");
                    List<String> argv = new ArrayList<>(prefix);
                    argv.addAll(List.of("sh", "-c", SCRIPT));
                    channel.setCommand(ShellQuoting.join(argv));
                    OutputStream requests = channel.getOutputStream();
                    RemoteShell shell = new RemoteShell(host, channel, requests);
                    // dontclose = false: JSch closes our stream when the channel ends, which is how we learn it
                    channel.setOutputStream(shell.new Replies(), false);
                    channel.setErrStream(shell.errors, true);
                    channel.connect(CONNECT_TIMEOUT_MS);
                    return shell;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(shell -> shell.hello.asMono()
                        .timeout(HELLO_TIMEOUT)
                        .onErrorMap(e -> new HostException("the command shell on " + host + " did not start: "
                                + (shell.errors.toString().isBlank() ? io.qemureactor.core.Messages.oneLine(e) : shell.errors.toString().strip()), e))
                        .doOnError(e -> shell.close())
                        .thenReturn(shell));
    }

    boolean isOpen() {
        return !closed && channel.isConnected();
    }

    /** Runs {@code argv} with {@code stdin} (null: none) and emits its status and output. */
    Mono<Output> exec(List<String> argv, byte[] stdin) {
        String input = stdin == null || stdin.length == 0 ? "-" : Base64.getEncoder().encodeToString(stdin);
        return Mono.defer(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            return collect(input + " " + quoted(argv), out, err);
        });
    }

    private Mono<Output> collect(String arguments, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return request("E", arguments, (id, sink, reply) -> {
            switch (reply[1]) {
                case "o" -> out.writeBytes(Base64.getDecoder().decode(reply[2]));
                case "e" -> err.writeBytes(Base64.getDecoder().decode(reply[2]));
                default -> {
                    sink.tryEmitValue(new Output(Integer.parseInt(reply[2]), out.toByteArray(), err.toByteArray()));
                    return true;
                }
            }
            return false;
        });
    }

    /** Starts {@code argv} in the background with its output appended to {@code logFile}. */
    Mono<Started> start(List<String> argv, String logFile) {
        Sinks.One<Ended> exit = Sinks.one();
        Mono<Ended> exitMono = exit.asMono().publishOn(Schedulers.boundedElastic());
        List<String> logAndArgv = new ArrayList<>(argv.size() + 1);
        logAndArgv.add(logFile);
        logAndArgv.addAll(argv);
        return this.<Started>request("S", quoted(logAndArgv), (id, sink, reply) -> {
            if ("S".equals(reply[1])) {
                sink.tryEmitValue(new Started(id, Long.parseLong(reply[2]), exitMono));
                return false;
            }
            exit.tryEmitValue(new Ended(Integer.parseInt(reply[2]), reply.length > 3 && "D".equals(reply[3])));
            return true;
        }, exit);
    }

    /**
     * Asks the shell to remove {@code folder} when the process started by request {@code request}
     * exits, in the job that reports the exit (its {@link Ended#removedFolder()} then says it did): a
     * stop then costs one round trip to the host, not two. If the process exited before the shell
     * read this, nothing is removed and the owner removes the folder itself.
     *
     * <p>Completes once the request is written, without waiting for the shell's acknowledgement (a
     * round trip and two wake-ups, on the critical path of every stop when it was awaited): what the
     * caller sends next on the same SSH session (a QMP {@code quit}, a signal through this shell) reaches
     * the host after it, and the shell reads its requests as they come, so it has noted the folder before
     * QEMU has handled the quit, exited and been reaped. A refusal (only for a malformed request) is logged.
     *
     * @return completes once the request is on its way to the host
     */
    Mono<Void> removeOnExit(long request, String folder) {
        if (folder.isEmpty() || folder.indexOf('\n') >= 0) {
            return Mono.error(new IllegalArgumentException("not a folder to remove: '" + folder + "'"));
        }
        return post("F", request + " " + quoted(List.of(folder)), (id, sink, reply) -> {
            int code = Integer.parseInt(reply[2]);
            if (code != 0) {
                log.warn("the command shell on {} refused to remove {} on exit (status {})", host, folder, code);
            }
            return true;
        });
    }

    /**
     * Completes when the unix socket {@code path} exists; fails with {@link HostException} when
     * process {@code pid} (0: none) is gone first, or after {@code bound}.
     */
    Mono<Void> awaitSocket(String path, long pid, Duration bound) {
        long seconds = Math.max(1, bound.toSeconds());
        return this.<Integer>request("W", pid + " " + seconds + " " + quoted(List.of(path)), (id, sink, reply) -> {
            sink.tryEmitValue(Integer.parseInt(reply[2]));
            return true;
        }).flatMap(code -> switch (code) {
            case 0 -> Mono.<Void>empty();
            case 1 -> Mono.error(new HostException(path + " on " + host + " will not appear: pid " + pid + " has exited"));
            default -> Mono.error(new HostException(path + " did not appear on " + host + " within " + seconds + " s"));
        });
    }

    /** Ends the shell (its processes keep running: stopping them is their owners' business). */
    void close() {
        closed = true;
        channel.disconnect();
    }

    /** What to do with a reply line for request {@code id}; returns true when it was the request's last reply. */
    @FunctionalInterface
    private interface ReplyHandler<T> {
        boolean accept(long id, Sinks.One<T> sink, String[] reply);
    }

    private <T> Mono<T> request(String op, String arguments, ReplyHandler<T> handler) {
        return request(op, arguments, handler, null);
    }

    /**
     * Sends one request and emits its first result. {@code lastWords} (may be null) is failed too
     * if the shell ends before the request's last reply.
     */
    private <T> Mono<T> request(String op, String arguments, ReplyHandler<T> handler, Sinks.One<?> lastWords) {
        return Mono.defer(() -> {
            Sinks.One<T> sink = Sinks.one();
            long id = register(sink, handler, lastWords);
            return send(id, op, arguments)
                    .then(sink.asMono())
                    .publishOn(Schedulers.boundedElastic())
                    // a reply that comes after a cancel is dropped (a started process is still reported to lastWords)
                    .doOnCancel(() -> {
                        if (lastWords == null) {
                            pending.remove(id);
                        }
                    });
        });
    }

    /** Sends one request whose result nobody awaits (its handler still reads the replies): completes once it is written. */
    private <T> Mono<Void> post(String op, String arguments, ReplyHandler<T> handler) {
        return Mono.defer(() -> send(register(Sinks.<T>one(), handler, null), op, arguments));
    }

    /** Registers the reply handler of a new request, which fills {@code sink}; returns the request's id. */
    private <T> long register(Sinks.One<T> sink, ReplyHandler<T> handler, Sinks.One<?> lastWords) {
        long id = ids.incrementAndGet();
        pending.put(id, reply -> {
            if (reply == null) {
                HostException lost = lost();
                sink.tryEmitError(lost);
                if (lastWords != null) {
                    lastWords.tryEmitError(lost);
                }
                return;
            }
            if (handler.accept(id, sink, reply)) {
                pending.remove(id);
            }
        });
        return id;
    }

    /** Writes request {@code id}'s line, on a worker (JSch's stream may block); fails at once if the shell is gone. */
    private Mono<Void> send(long id, String op, String arguments) {
        if (closed) {
            pending.remove(id);
            return Mono.error(lost());
        }
        byte[] line = (id + " " + op + " " + arguments + "\n").getBytes(StandardCharsets.UTF_8);
        return Mono.<Void>fromRunnable(() -> write(line)).subscribeOn(Schedulers.boundedElastic());
    }

    private void write(byte[] line) {
        try {
            synchronized (requests) {
                requests.write(line);
                requests.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send a command to " + host + ": " + e.getMessage(), e);
        }
    }

    private HostException lost() {
        String why = errors.toString().strip();
        return new HostException("lost the command shell on " + host + (why.isEmpty() ? " (the SSH session ended)" : ": " + why));
    }

    private void dispatch(String line) {
        String[] reply = line.split(" ");
        if (reply.length < 3 || reply[0].isEmpty() || !reply[0].chars().allMatch(Character::isDigit)) {
            log.debug("{}: ignoring shell output {}", host, line);  // e.g. a login script that prints
            return;
        }
        long id = Long.parseLong(reply[0]);
        if (id == 0 && "H".equals(reply[1])) {
            hello.tryEmitValue(Long.parseLong(reply[2]));
            return;
        }
        Consumer<String[]> handler = pending.get(id);
        if (handler != null) {
            handler.accept(reply);
        }
    }

    /** {@link #dispatch} that never throws into JSch's session thread: that would end the session of every VM on the host. */
    private void dispatchSafely(String line) {
        try {
            dispatch(line);
        } catch (RuntimeException e) {
            log.warn("{}: cannot read the shell's reply {}: {}", host, line, e.toString());
        }
    }

    /** The channel ended: every request waiting for a reply fails, every started process is lost. */
    private void ended() {
        closed = true;
        hello.tryEmitError(lost());
        for (Long id : List.copyOf(pending.keySet())) {
            Consumer<String[]> handler = pending.remove(id);
            if (handler != null) {
                handler.accept(null);
            }
        }
    }

    /**
     * The argv quoted for the shell ({@link ShellQuoting}) on one line: a newline can only occur
     * inside a single-quoted argument, where {@code '"$nl"'} (close the quote, the script's
     * newline variable, reopen) stands for it.
     */
    static String quoted(List<String> argv) {
        return ShellQuoting.join(argv).replace("\n", "'\"$nl\"'");
    }

    private static String loadScript() {
        try (InputStream in = RemoteShell.class.getResourceAsStream("remote-shell.sh")) {
            if (in == null) {
                throw new IllegalStateException("remote-shell.sh is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shell's stdout, cut into lines on JSch's session thread; closed by JSch when the channel ends. */
    private final class Replies extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        @Override
        public void write(int b) {
            if (b == '\n') {
                dispatchSafely(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    dispatchSafely(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
        }

        @Override
        public void close() {
            ended();
        }
    }
}
