package io.qemureactor.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.StreamOpener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * The bridge between a client's channel and an opener's stream, on an embedded channel (the
 * client's side) and a recording stream (the peer's side): the orderings a real peer cannot be
 * made to produce on demand. A QMP session over a real stream runs in QmpStreamPeerIT.
 */
@Timeout(30)
class StreamBridgeTest {

    private static final PeerAddress PEER = PeerAddress.stream("test", fromPeer -> Mono.never());

    /** What the client wrote, as the stream received it, with the thread each write ran on. */
    private static final class RecordingStream extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        /** The thread of each close, and what had been written by then. */
        final List<String> closes = new CopyOnWriteArrayList<>();
        /** Holds a large write until opened: what comes behind it must wait. */
        final CountDownLatch largeWrites = new CountDownLatch(1);

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len > StreamBridge.INLINE_MAX) {
                try {
                    largeWrites.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            record(b, off, len);
        }

        private synchronized void record(byte[] b, int off, int len) {
            threads.add(Thread.currentThread().getName());
            bytes.write(b, off, len);
        }

        @Override
        public void close() {
            closes.add(Thread.currentThread().getName() + ":" + text());
            closed.countDown();
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String read(EmbeddedChannel channel) {
        StringBuilder all = new StringBuilder();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            all.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return all.toString();
    }

    /** A bridge to {@code stream}, opened (its channel not made yet). */
    private static StreamBridge openBridge(RecordingStream stream) {
        StreamBridge bridge = new StreamBridge(PEER, to -> Mono.just(stream));
        bridge.open().block(Duration.ofSeconds(10));
        return bridge;
    }

    @Test
    void whatThePeerSendsBeforeTheChannelIsActiveReachesTheClientFirstAndInOrder() throws Exception {
        RecordingStream stream = new RecordingStream();
        stream.largeWrites.countDown();
        AtomicReference<OutputStream> fromPeer = new AtomicReference<>();
        StreamOpener opener = to -> Mono.fromCallable(() -> {
            fromPeer.set(to);
            to.write("{\"QMP\": {}}\r\n".getBytes(StandardCharsets.US_ASCII)); // the greeting, before the pair is up
            return stream;
        });
        StreamBridge bridge = new StreamBridge(PEER, opener);
        bridge.open().block(Duration.ofSeconds(10));

        EmbeddedChannel channel = new EmbeddedChannel(bridge); // active now: the bridge attaches
        fromPeer.get().write("{\"return\": {}}\r\n".getBytes(StandardCharsets.US_ASCII));
        channel.runPendingTasks();

        assertThat(read(channel)).isEqualTo("{\"QMP\": {}}\r\n{\"return\": {}}\r\n");
        channel.finishAndReleaseAll();
    }

    @Test
    void aStreamThatEndsBeforeTheChannelIsActiveClosesTheChannelWhenItIs() throws Exception {
        StreamOpener opener = to -> Mono.fromCallable(() -> {
            to.close(); // the peer went away at once
            return (OutputStream) new RecordingStream();
        });
        StreamBridge bridge = new StreamBridge(PEER, opener);
        bridge.open().block(Duration.ofSeconds(10));

        EmbeddedChannel channel = new EmbeddedChannel(bridge);
        channel.runPendingTasks();

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAbandonedBridgeClosesTheStreamWhenItOpensLate() throws Exception {
        RecordingStream stream = new RecordingStream();
        stream.largeWrites.countDown();
        CountDownLatch letOpen = new CountDownLatch(1);
        StreamOpener opener = to -> Mono.fromCallable(() -> {
            letOpen.await(10, TimeUnit.SECONDS);
            return stream;
        });
        StreamBridge bridge = new StreamBridge(PEER, opener);
        Mono<Void> opened = bridge.open();
        bridge.abandon(); // e.g. the connect was cancelled while the SSH channel was opening
        letOpen.countDown();
        opened.block(Duration.ofSeconds(10));

        assertThat(stream.closed.await(10, TimeUnit.SECONDS)).as("the stream opened after the abandon is closed").isTrue();
    }

    @Test
    void smallWritesGoStraightFromTheLoopAndNothingOvertakesALargeOne() throws Exception {
        RecordingStream stream = new RecordingStream();
        StreamBridge bridge = openBridge(stream);
        EmbeddedChannel channel = new EmbeddedChannel(bridge);
        String loop = Thread.currentThread().getName(); // the embedded channel runs its handlers on the caller

        channel.writeInbound(ascii("small-1;"));
        assertThat(stream.threads).containsExactly(loop);

        String large = "L".repeat(StreamBridge.INLINE_MAX + 1) + ";";
        channel.writeInbound(ascii(large));
        channel.writeInbound(ascii("small-2;")); // queued behind the large one, which a worker is writing
        assertThat(stream.text()).as("nothing overtakes the large write").isEqualTo("small-1;");
        stream.largeWrites.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(stream.text().endsWith("small-2;") && bridge.drained()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(stream.text()).isEqualTo("small-1;" + large + "small-2;");
        assertThat(stream.threads.subList(1, 3)).allSatisfy(t -> assertThat(t).isNotEqualTo(loop));
        channel.writeInbound(ascii("small-3;")); // the queue is empty again: straight from the loop
        assertThat(stream.threads.get(3)).isEqualTo(loop);
        assertThat(stream.text()).endsWith("small-2;small-3;");

        channel.close();
        assertThat(stream.closed.await(10, TimeUnit.SECONDS)).as("closing the channel closes the stream").isTrue();
    }

    @Test
    void whenTheChannelClosesWithNothingQueuedTheStreamIsClosedAtOnceFromTheLoop() throws Exception {
        RecordingStream stream = new RecordingStream();
        EmbeddedChannel channel = new EmbeddedChannel(openBridge(stream));
        String loop = Thread.currentThread().getName();

        channel.writeInbound(ascii("{\"execute\":\"quit\"}"));
        channel.close();

        // not after a worker's wake-up: a peer serving one client at a time takes the next one only after this
        assertThat(stream.closes).first().isEqualTo(loop + ":{\"execute\":\"quit\"}");
    }

    @Test
    void whenTheChannelClosesWithWritesQueuedTheStreamIsClosedOnlyAfterThem() throws Exception {
        RecordingStream stream = new RecordingStream();
        EmbeddedChannel channel = new EmbeddedChannel(openBridge(stream));
        String large = "L".repeat(StreamBridge.INLINE_MAX + 1);
        channel.writeInbound(ascii(large)); // a worker writes it, held until counted down

        channel.close();
        assertThat(stream.closes).as("not closed under the queued write").isEmpty();
        stream.largeWrites.countDown();

        assertThat(stream.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.closes).first().asString().endsWith(":" + large);
    }

    @Test
    void whatTheClientWritesBeforeTheStreamIsOpenIsWrittenOnceItIs() throws Exception {
        RecordingStream stream = new RecordingStream();
        stream.largeWrites.countDown();
        CountDownLatch letOpen = new CountDownLatch(1);
        StreamBridge bridge = new StreamBridge(PEER, to -> Mono.fromCallable(() -> {
            letOpen.await(10, TimeUnit.SECONDS);
            return stream;
        }));
        Mono<Void> opened = bridge.open();
        EmbeddedChannel channel = new EmbeddedChannel(bridge);
        channel.writeInbound(ascii("{\"execute\":\"guest-sync\"}")); // an agent's client writes first
        letOpen.countDown();
        opened.block(Duration.ofSeconds(10));
        channel.writeInbound(ascii("next"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stream.text().endsWith("next") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        assertThat(stream.text()).isEqualTo("{\"execute\":\"guest-sync\"}next");
        channel.finishAndReleaseAll();
    }

    @Test
    void aStreamThatCannotOpenFailsTheOpenWithAnIoException() {
        StreamBridge bridge = new StreamBridge(PEER, to -> Mono.error(new IllegalStateException("no such socket")));
        AtomicReference<Throwable> error = new AtomicReference<>();
        bridge.open().onErrorResume(e -> {
            error.set(e);
            return Mono.empty();
        }).block(Duration.ofSeconds(10));

        assertThat(error.get()).isInstanceOf(IOException.class).hasMessageContaining("no such socket");
    }
}
