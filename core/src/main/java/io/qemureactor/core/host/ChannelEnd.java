package io.qemureactor.core.host;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The end of an exec channel on an SSH host, seen without a timer while the program runs.
 *
 * <p>JSch has no listener for a channel's close, only {@link Channel#isClosed()}. But it closes the stream
 * a channel's output is written to (when told it may) on each way a channel ends: at the remote end of
 * output (sshd sends it when the program and the shell holding the channel have exited), when the session
 * drops, and at our own {@code disconnect()}. So this stream is given to the channel as its output,
 * passing what it receives on to the real one, and only once it is closed is {@code isClosed()} asked:
 * the close and the exit status follow the end of output within a round trip, so that poll is short.
 * Polling from the start instead (every 5 ms, for the life of the host's reaper) cost a wake-up of a
 * Reactor timer thread 200 times a second per host, taken from the guests' CPUs.
 */
final class ChannelEnd extends FilterOutputStream {

    /** After the end of output: how long between looks at the channel's state until it is closed. */
    private static final Duration CLOSE_POLL = Duration.ofMillis(5);

    private final Sinks.Empty<Void> ended = Sinks.empty();

    /**
     * @param output where the channel's output goes (closed with this stream)
     */
    ChannelEnd(OutputStream output) {
        super(output);
    }

    /**
     * Gives this stream to {@code channel} as its output, to be closed by JSch, before the channel connects.
     *
     * @param channel an exec channel not connected yet
     * @param output  where its output goes
     * @return the stream that signals the output's end
     */
    static ChannelEnd attach(ChannelExec channel, OutputStream output) {
        ChannelEnd end = new ChannelEnd(output);
        channel.setOutputStream(end, false);
        return end;
    }

    /**
     * Completes with the channel's exit status once it has closed (−1 if the channel closed without one:
     * a dropped session, our own disconnect).
     *
     * @param channel the channel this stream was attached to
     * @return a cold Mono of the exit status
     */
    Mono<Integer> exitStatus(Channel channel) {
        return closed(ended(), channel::isClosed, channel::getExitStatus);
    }

    /** Completes once JSch has closed this stream: the output has ended (or the channel was disconnected). */
    Mono<Void> ended() {
        return ended.asMono();
    }

    /** The mechanism, apart from JSch: nothing asks {@code isClosed} before {@code outputEnded} completes. */
    static Mono<Integer> closed(Mono<Void> outputEnded, BooleanSupplier isClosed, IntSupplier exitStatus) {
        Mono<Integer> now = Mono.fromSupplier(() -> isClosed.getAsBoolean() ? exitStatus.getAsInt() : null);
        Mono<Integer> soon = Flux.interval(Duration.ofMillis(1), CLOSE_POLL)
                .filter(tick -> isClosed.getAsBoolean())
                .next()
                .map(tick -> exitStatus.getAsInt());
        return outputEnded.then(now.switchIfEmpty(soon));
    }

    /** In one piece (FilterOutputStream's own writes a byte at a time). */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    /** Called by JSch (on its session thread, or the disconnecting one), once or more. */
    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            ended.tryEmitEmpty();
        }
    }
}
