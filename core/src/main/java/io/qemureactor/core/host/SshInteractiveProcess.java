package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelExec;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * An interactive process on an SSH host: {@code sh} starts the program in the background with the
 * channel's stdin (saved on fd 3 first: a background job's stdin is otherwise {@code /dev/null}), prints
 * its pid as the first line, and waits for it, so the channel closes when the program exits and a
 * signal shows as {@code 128+N} (as {@link SshHost#start}). JSch's own session thread delivers the
 * output into {@link Output}: no thread of ours reads.
 */
final class SshInteractiveProcess extends AbstractInteractiveProcess {

    /**
     * In the background (so that the shell's {@code wait} turns a death by signal N into status 128+N, which
     * the channel reports), a small shell prints its own pid and then becomes the program ({@code exec}: same
     * pid, the channel's stdin on fd 3). The pid is printed before the program exists: when the background
     * shell printed {@code $!} itself, the program's first output could come before it. The pid goes on a line
     * of its own after {@link #PID_MARK}: what a login script prints before it is not taken for the pid.
     */
    private static final String WRAPPER = "exec 3<&0; sh -c 'echo \"qemu-reactor-pid $$\"; exec \"$@\"' sh \"$@\" <&3 3<&- 2>&1 & wait $!";
    private static final String PID_MARK = "qemu-reactor-pid ";

    private final Output out;

    private SshInteractiveProcess(SshProcess process, Output out, OutputStream stdin) {
        super(process, new ProcessInput(stdin, process.toString()));
        this.out = out;
    }

    /** Pid, exit, signals: what every process on the host has; the exit is the channel's close here. */
    private static SshInteractiveProcess of(SshHost host, ChannelExec channel, ChannelEnd end, Output out,
                                            OutputStream stdin, long pid, List<String> argv) {
        Mono<Integer> exit = end.exitStatus(channel).doFinally(s -> {
            out.close();
            channel.disconnect();
        });
        return new SshInteractiveProcess(new SshProcess(host, pid, exit, null, argv), out, stdin);
    }

    static Mono<InteractiveProcess> start(SshHost host, List<String> argv) {
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", WRAPPER, "sh"));
        wrapped.addAll(argv);
        String command = host.remoteCommand(wrapped);
        return host.session().flatMap(s -> Mono.fromCallable(() -> {
            ChannelExec channel = (ChannelExec) s.openChannel("exec");
            channel.setCommand(command);
            Output out = new Output();
            // JSch closes it at the end of the output (the program's exit), which tells the channel's close is near
            ChannelEnd end = ChannelEnd.attach(channel, out);
            // the program's stderr is merged into stdout by the wrapper: the channel's own stderr carries only what the
            // login shell or sshd say (a startup script's noise, sshd's debug log), kept for error messages
            channel.setErrStream(out.channelErrors, true);
            OutputStream stdin = channel.getOutputStream();
            channel.connect(15_000);
            return new Opened(channel, end, out, stdin);
        }).subscribeOn(Schedulers.boundedElastic()))
                .flatMap(opened -> opened.out.pid.asMono()
                        .timeout(Duration.ofSeconds(30))
                        .onErrorMap(e -> new HostException("cannot start " + argv.get(0) + " on " + host.name()
                                + ": " + (opened.out.tail.toString() + opened.out.channelErrors).strip()))
                        .map(pid -> (InteractiveProcess) of(host, opened.channel, opened.end, opened.out,
                                opened.stdin, pid, argv))
                        .doOnError(e -> opened.channel.disconnect())
                        .doOnCancel(opened.channel::disconnect));
    }

    private record Opened(ChannelExec channel, ChannelEnd end, Output out, OutputStream stdin) {
    }

    @Override
    public Flux<String> output() {
        return out.text.asFlux();
    }

    @Override
    public Mono<String> outputTail() {
        return Mono.fromSupplier(() -> OutputTail.lastLines(out.tail.toString()));
    }

    /**
     * The channel's stdout as JSch writes it: the wrapper's first line is the pid, the rest the program's
     * output, decoded as UTF-8 across chunk boundaries and emitted as text.
     */
    private static final class Output extends OutputStream {
        final Sinks.One<Long> pid = Sinks.one();
        final Sinks.Many<String> text = Sinks.many().unicast().onBackpressureBuffer();
        final TailBuffer tail = new TailBuffer(16 * 1024);
        final TailBuffer channelErrors = new TailBuffer(4096);
        private final StringBuilder pidLine = new StringBuilder();
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private boolean pidKnown;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            tail.write(b, off, len);
            int start = off;
            int end = off + len;
            while (!pidKnown && start < end) {
                char c = (char) b[start++];
                if (c == '\n') {
                    String line = pidLine.toString().strip();
                    pidLine.setLength(0);
                    if (line.startsWith(PID_MARK) && line.substring(PID_MARK.length()).matches("\\d+")) {
                        pidKnown = true;
                        pid.tryEmitValue(Long.parseLong(line.substring(PID_MARK.length())));
                    }
                    // any other line before it is the login shell's, not the program's: skipped (kept in the tail)
                } else {
                    pidLine.append(c);
                }
            }
            if (start < end) {
                ByteBuffer in = ByteBuffer.allocate(pending.remaining() + end - start);
                in.put(pending).put(b, start, end - start).flip();
                CharBuffer chars = CharBuffer.allocate(in.remaining());
                decoder.decode(in, chars, false);
                pending = in.slice();
                chars.flip();
                if (chars.hasRemaining()) {
                    text.tryEmitNext(chars.toString());
                }
            }
        }

        @Override
        public synchronized void close() {
            if (!pidKnown) {
                pid.tryEmitError(new IllegalStateException("no pid before the channel closed"));
            }
            text.tryEmitComplete();
        }
    }
}
