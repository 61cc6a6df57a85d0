package io.qemureactor.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * The raw baseline's console reader: the serial consoles of many QEMUs (each a unix socket QEMU listens on),
 * read from one thread with one NIO {@link Selector}, line by line, until each has printed a line holding the
 * marker. Plain JDK, no engine: what a hand-written parallel boot with one reader for all VMs looks like.
 * A console whose socket does not exist yet (QEMU still starting) is tried again every millisecond.
 */
final class RawConsoles implements AutoCloseable {

    private static final long RETRY_MILLIS = 1;
    private static final long IDLE_MILLIS = 50;

    /** One VM's console: where it is, its QEMU, what was read of the current line, when the marker came. */
    private static final class Console {
        final int index;
        final Path socket;
        final Process process;
        final Path log;
        final StringBuilder line = new StringBuilder();
        SocketChannel channel;
        long markerAt = -1;

        Console(int index, Path socket, Process process, Path log) {
            this.index = index;
            this.socket = socket;
            this.process = process;
            this.log = log;
        }
    }

    private final Selector selector;
    private final String marker;
    private final List<Console> consoles = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);

    RawConsoles(String marker) throws IOException {
        this.selector = Selector.open();
        this.marker = marker;
    }

    /** Watches VM {@code index}'s console at {@code socket}; {@code log}: QEMU's own output, for errors. */
    void add(int index, Path socket, Process process, Path log) {
        consoles.add(new Console(index, socket, process, log));
    }

    /**
     * Reads every console until each has shown the marker; returns the {@code nanoTime} of the last marker line.
     * Fails when a QEMU ends first, when {@code deadlineNanos} passes, or (a {@link CancellationException}) when
     * {@code cancelled} says so.
     */
    long awaitMarkers(long deadlineNanos, BooleanSupplier cancelled) throws IOException {
        int pending = consoles.size();
        long last = 0;
        while (pending > 0) {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw new CancellationException("raw boot cancelled");
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new IOException("raw: " + pending + " of " + consoles.size() + " guests did not print the marker in time");
            }
            boolean connecting = false;
            for (Console c : consoles) {
                if (c.channel == null && c.markerAt < 0 && !connect(c)) {
                    connecting = true;
                }
            }
            selector.select(connecting ? RETRY_MILLIS : IDLE_MILLIS);
            for (SelectionKey key : selector.selectedKeys()) {
                Console c = (Console) key.attachment();
                if (read(c)) {
                    last = Math.max(last, c.markerAt);
                    pending--;
                    key.cancel();
                    c.channel.close();
                }
            }
            selector.selectedKeys().clear();
        }
        return last;
    }

    /** Connects to the console if QEMU has created its socket; false if not yet. */
    private boolean connect(Console c) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(c.socket));
        } catch (IOException notYet) {
            ch.close();
            if (!c.process.isAlive()) {
                throw ended(c);
            }
            return false;
        }
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ, c);
        c.channel = ch;
        return true;
    }

    /** Reads what is there; true once a complete line holding the marker has been read. */
    private boolean read(Console c) throws IOException {
        buffer.clear();
        int n = c.channel.read(buffer);
        if (n < 0) {
            throw ended(c);
        }
        long now = System.nanoTime();
        // the marker is ASCII: bytes as Latin-1 chars never split it, whatever the chunk boundaries
        String chunk = new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < chunk.length(); i++) {
            char ch = chunk.charAt(i);
            if (ch == '\n') {
                if (c.line.indexOf(marker) >= 0) {
                    c.markerAt = now;
                    return true;
                }
                c.line.setLength(0);
            } else {
                c.line.append(ch);
            }
        }
        return false;
    }

    private static IOException ended(Console c) {
        return new IOException("raw: vm" + (c.index + 1) + "'s QEMU ended before the marker: "
                + RawGuestLauncher.readQuietly(c.log));
    }

    @Override
    public void close() throws IOException {
        for (Console c : consoles) {
            if (c.channel != null) {
                c.channel.close();
            }
        }
        selector.close();
    }
}
