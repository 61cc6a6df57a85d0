package io.qemureactor.core.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Test-side client of a unix socket that speaks in lines (QMP, QGA, a serial console), with a
 * deadline on every read. Blocking by design: plain NIO with a selector, no Netty.
 */
final class UnixLines implements AutoCloseable {

    private final Path path;
    private final SocketChannel channel;
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    private UnixLines(Path path, SocketChannel channel, Selector selector) {
        this.path = path;
        this.channel = channel;
        this.selector = selector;
        in.flip();
    }

    /** Connects, retrying while QEMU has not created the socket yet. */
    static UnixLines connect(Path path, Duration timeout) throws IOException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            if (Files.exists(path)) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(path));
                    ch.configureBlocking(false);
                    Selector sel = Selector.open();
                    ch.register(sel, SelectionKey.OP_READ);
                    return new UnixLines(path, ch, sel);
                } catch (IOException e) {
                    ch.close();
                    last = e;
                }
            }
            sleep(20);
        }
        throw new TimeoutException("cannot connect to " + path + " within " + timeout
                + (last == null ? " (no socket)" : ": " + last.getMessage()));
    }

    /** Writes all of {@code bytes}. */
    void write(byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                sleep(1);
            }
        }
    }

    /** Writes {@code line} and a newline. */
    void writeLine(String line) throws IOException {
        write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Discards input up to and including the byte {@code b}. */
    void skipPast(byte b, long deadlineNanos) throws IOException, TimeoutException {
        while (true) {
            if (!in.hasRemaining()) {
                fill(deadlineNanos);
            }
            if (in.get() == b) {
                return;
            }
        }
    }

    /** The next line, without its CR/LF. */
    String readLine(long deadlineNanos) throws IOException, TimeoutException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (!in.hasRemaining()) {
                fill(deadlineNanos);
            }
            byte b = in.get();
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
    }

    /** Everything received so far (for failure messages). */
    String received() {
        return seen.toString(StandardCharsets.UTF_8);
    }

    private void fill(long deadlineNanos) throws IOException, TimeoutException {
        in.clear();
        try {
            while (true) {
                int n = channel.read(in);
                if (n < 0) {
                    throw new IOException("end of stream on " + path);
                }
                if (n > 0) {
                    seen.write(in.array(), 0, in.position());
                    return;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("nothing more from " + path + "; received so far: " + tail(received()));
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
            }
        } finally {
            in.flip();
        }
    }

    private static String tail(String s) {
        return s.length() <= 2000 ? s : "..." + s.substring(s.length() - 2000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
