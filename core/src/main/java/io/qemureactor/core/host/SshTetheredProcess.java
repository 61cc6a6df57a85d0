package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A remote process fed through its exec channel: sshd closes the process's stdin when the channel
 * or the session ends, so the process learns that this JVM is gone even when nothing could say so.
 */
final class SshTetheredProcess implements TetheredProcess {

    private final SshHost host;
    private final long pid;
    private final ChannelExec channel;
    private final OutputStream stdin;
    private final Mono<Integer> exit;

    private static final int CONNECT_TIMEOUT_MS = 15_000;
    private static final Duration PID_POLL = Duration.ofMillis(5);

    /**
     * Starts {@code argv} on {@code host} with the exec channel as its stdin: a shell prints its own pid
     * and then {@code exec}s the program, so the pid printed is the program's; the program's output is
     * appended to {@code logFile}.
     */
    static Mono<TetheredProcess> start(SshHost host, List<String> argv, String logFile) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c",
                "log=$1; shift; echo $$; exec \"$@\" >>\"$log\" 2>&1", "sh", logFile));
        wrapped.addAll(argv);
        String command = host.remoteCommand(wrapped);
        return host.session()
                .flatMap(s -> Mono.fromCallable(() -> open(s, command)).subscribeOn(Schedulers.boundedElastic()))
                .flatMap(opened -> Flux.interval(Duration.ofMillis(1), PID_POLL)
                        .map(tick -> opened.out.toString())
                        .filter(out -> out.indexOf('\n') >= 0 || opened.channel.isClosed())
                        .next()
                        .flatMap(out -> {
                            String first = out.lines().findFirst().orElse("").strip();
                            if (!first.matches("\\d+")) {
                                opened.channel.disconnect();
                                return Mono.error(new HostException("cannot start " + argv.get(0) + " on " + host.name()
                                        + ": " + opened.err.toString().strip()));
                            }
                            return Mono.just((TetheredProcess) new SshTetheredProcess(host, Long.parseLong(first),
                                    opened.channel, opened.stdin));
                        })
                        .doOnCancel(opened.channel::disconnect));
    }

    private record Opened(ChannelExec channel, OutputStream stdin, TailBuffer out, TailBuffer err) {
    }

    private static Opened open(Session session, String command) throws JSchException, IOException {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        TailBuffer out = new TailBuffer(4096);
        TailBuffer err = new TailBuffer(4096);
        channel.setOutputStream(out, true);
        channel.setErrStream(err, true);
        // taken before connect: JSch then feeds the channel from this stream's writes
        OutputStream stdin = channel.getOutputStream();
        channel.connect(CONNECT_TIMEOUT_MS);
        return new Opened(channel, stdin, out, err);
    }

    SshTetheredProcess(SshHost host, long pid, ChannelExec channel, OutputStream stdin) {
        this.host = host;
        this.pid = pid;
        this.channel = channel;
        this.stdin = stdin;
        this.exit = host.awaitClose(channel).doFinally(s -> channel.disconnect()).cache();
        this.exit.subscribe(code -> { }, error -> { });
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Mono<Void> send(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        return Mono.<Void>fromRunnable(() -> {
            synchronized (stdin) {
                try {
                    stdin.write(bytes);
                    stdin.flush();
                } catch (IOException e) {
                    throw new HostException("cannot write to pid " + pid + " on " + host.name() + ": " + e.getMessage(), e);
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Integer> onExit() {
        return exit;
    }

    @Override
    public Mono<Void> close() {
        return Mono.<Void>fromRunnable(() -> {
            synchronized (stdin) {
                try {
                    stdin.close();
                } catch (IOException ignored) {
                    // the channel is gone already: the remote end has its end of input
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "pid " + pid + " on " + host.name();
    }
}
