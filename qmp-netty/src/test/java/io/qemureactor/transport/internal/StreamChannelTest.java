package io.qemureactor.transport.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.StreamOpener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * A channel on an opener's stream, on a real event loop (the client's side) and a recording stream (the
 * peer's side): the orderings a real peer cannot be made to produce on demand. A QMP session over a real
 * SSH channel runs in SshUnixSocketIT and the SSH ITs of core.
 */
@Timeout(30)
class StreamChannelTest {

    private static final PeerAddress PEER = PeerAddress.stream("test", fromPeer -> Mono.never());
    private static EventLoopGroup loop;
    private static String loopThread;

    @BeforeAll
    static void startLoop() throws Exception {
        loop = new DefaultEventLoopGroup(1);
        loopThread = loop.next().submit(() -> Thread.currentThread().getName()).get();
    }

    @AfterAll
    static void stopLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

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
            if (len > StreamChannel.INLINE_MAX) {
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

    /** The client's side: what the channel reads, and on which threads. */
    private static final class Reader extends ChannelInboundHandlerAdapter {
        final StringBuffer text = new StringBuffer();
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            threads.add(Thread.currentThread().getName());
            text.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
    }

    private static ChannelFuture connect(StreamOpener opener, Reader reader) {
        StreamChannel channel = new StreamChannel(PEER, opener);
        channel.open();
        return new Bootstrap().group(loop).channelFactory(() -> channel).handler(reader).connect(channel.remote());
    }

    private static ChannelFuture connected(RecordingStream stream, Reader reader) {
        return connect(to -> Mono.just(stream), reader).syncUninterruptibly();
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
    }

    @Test
    void whatThePeerSendsBeforeTheChannelIsActiveIsReadFirstInOrderOnTheLoop() throws Exception {
        RecordingStream stream = new RecordingStream();
        AtomicReference<OutputStream> fromPeer = new AtomicReference<>();
        Reader reader = new Reader();
        ChannelFuture connect = connect(to -> Mono.fromCallable(() -> {
            fromPeer.set(to);
            to.write(bytes("{\"QMP\": {}}\r\n")); // the greeting, before the channel is active
            return stream;
        }), reader).sync();

        fromPeer.get().write(bytes("{\"return\": {}}\r\n"));

        await(() -> reader.text.toString().endsWith("}\r\n{\"return\": {}}\r\n"));
        assertThat(reader.text.toString()).isEqualTo("{\"QMP\": {}}\r\n{\"return\": {}}\r\n");
        assertThat(reader.threads).containsOnly(loopThread);
        connect.channel().close().sync();
    }

    @Test
    void aStreamThatEndsBeforeTheChannelIsActiveIsReadAndThenTheChannelCloses() throws Exception {
        Reader reader = new Reader();
        ChannelFuture connect = connect(to -> Mono.fromCallable(() -> {
            to.write(bytes("{\"QMP\": {}}\r\n"));
            to.close(); // the peer went away at once
            return (OutputStream) new RecordingStream();
        }), reader);

        connect.channel().closeFuture().sync();

        assertThat(reader.text.toString()).isEqualTo("{\"QMP\": {}}\r\n");
    }

    @Test
    void whenThePeerEndsTheChannelClosesAfterReadingWhatCameBefore() throws Exception {
        AtomicReference<OutputStream> fromPeer = new AtomicReference<>();
        Reader reader = new Reader();
        ChannelFuture connect = connect(to -> Mono.fromCallable(() -> {
            fromPeer.set(to);
            return (OutputStream) new RecordingStream();
        }), reader).sync();

        fromPeer.get().write(bytes("{\"event\": \"SHUTDOWN\"}\r\n"));
        fromPeer.get().close();

        connect.channel().closeFuture().sync();
        assertThat(reader.text.toString()).isEqualTo("{\"event\": \"SHUTDOWN\"}\r\n");
    }

    @Test
    void aChannelClosedWhileItsStreamOpensClosesTheStreamOnceItOpens() throws Exception {
        RecordingStream stream = new RecordingStream();
        CountDownLatch letOpen = new CountDownLatch(1);
        ChannelFuture connect = connect(to -> Mono.fromCallable(() -> {
            letOpen.await(10, TimeUnit.SECONDS);
            return stream;
        }), new Reader());

        connect.channel().close().sync(); // e.g. the connect was cancelled while the SSH channel was opening
        assertThat(connect.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.isSuccess()).as("the connect fails").isFalse();
        letOpen.countDown();

        assertThat(stream.closed.await(10, TimeUnit.SECONDS)).as("the stream opened after the close is closed").isTrue();
    }

    @Test
    void aStreamThatCannotOpenFailsTheConnectWithAnIoException() throws Exception {
        ChannelFuture connect = connect(to -> Mono.error(new IllegalStateException("no such socket")), new Reader());

        assertThat(connect.await(10, TimeUnit.SECONDS)).isTrue();
        // an IOException: the connector retries it
        assertThat(connect.cause()).isInstanceOf(IOException.class).hasMessageContaining("no such socket");
        connect.channel().closeFuture().sync();
    }

    @Test
    void smallWritesGoStraightFromTheLoopAndNothingOvertakesALargeOne() throws Exception {
        RecordingStream stream = new RecordingStream();
        StreamChannel channel = (StreamChannel) connected(stream, new Reader()).channel();

        channel.writeAndFlush(ascii("small-1;")).sync();
        assertThat(stream.threads).containsExactly(loopThread);

        String large = "L".repeat(StreamChannel.INLINE_MAX + 1) + ";";
        channel.writeAndFlush(ascii(large)).sync();
        channel.writeAndFlush(ascii("small-2;")).sync(); // queued behind the large one, which a worker is writing
        assertThat(stream.text()).as("nothing overtakes the large write").isEqualTo("small-1;");
        stream.largeWrites.countDown();
        await(() -> stream.text().endsWith("small-2;") && channel.drained());

        assertThat(stream.text()).isEqualTo("small-1;" + large + "small-2;");
        assertThat(stream.threads.subList(1, 3)).allSatisfy(t -> assertThat(t).isNotEqualTo(loopThread));
        channel.writeAndFlush(ascii("small-3;")).sync(); // the queue is empty again: straight from the loop
        assertThat(stream.threads.get(3)).isEqualTo(loopThread);
        assertThat(stream.text()).endsWith("small-2;small-3;");

        channel.close().sync();
        assertThat(stream.closed.await(10, TimeUnit.SECONDS)).as("closing the channel closes the stream").isTrue();
    }

    @Test
    void whenTheChannelClosesWithNothingQueuedTheStreamIsClosedAtOnceFromTheLoop() throws Exception {
        RecordingStream stream = new RecordingStream();
        StreamChannel channel = (StreamChannel) connected(stream, new Reader()).channel();

        channel.writeAndFlush(ascii("{\"execute\":\"quit\"}"));
        channel.close().sync();

        // closed by the time the close is reported, not after a worker's wake-up: a peer serving one client
        // at a time takes the next one only after this
        assertThat(stream.closes).first().isEqualTo(loopThread + ":{\"execute\":\"quit\"}");
    }

    @Test
    void whenTheChannelClosesWithWritesQueuedTheStreamIsClosedOnlyAfterThem() throws Exception {
        RecordingStream stream = new RecordingStream();
        StreamChannel channel = (StreamChannel) connected(stream, new Reader()).channel();
        String large = "L".repeat(StreamChannel.INLINE_MAX + 1);
        channel.writeAndFlush(ascii(large)); // a worker writes it, held until counted down

        channel.close().sync();
        assertThat(stream.closes).as("not closed under the queued write").isEmpty();
        stream.largeWrites.countDown();

        assertThat(stream.closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(stream.closes).first().asString().endsWith(":" + large);
    }
}
