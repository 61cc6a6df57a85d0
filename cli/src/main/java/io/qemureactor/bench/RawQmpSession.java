package io.qemureactor.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The benchmark's floor: QMP over a plain blocking unix socket, one line per message, no
 * library. It knows just enough QMP to be correct for the commands the benchmark sends: it
 * skips events (lines with {@code "event"}) while waiting for a reply, and checks that each
 * reply has a {@code return}. It blocks, as such a client would: the benchmarks call it on
 * bounded-elastic workers ({@link BlockingIo}), never on a thread of their own. The same client runs
 * on a bare SSH channel for {@code bench qmp --host}'s floor ({@link BareSshChannels}).
 */
final class RawQmpSession implements AutoCloseable {

    /** Opens a negotiated session (here: the local socket; over SSH: a bare channel). */
    @FunctionalInterface
    interface Opener {
        RawQmpSession open() throws IOException;
    }

    private final AutoCloseable connection;
    private final BufferedReader in;
    private final OutputStream out;

    private RawQmpSession(AutoCloseable connection, InputStream in, OutputStream out) {
        this.connection = connection;
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    /** Connects, reads the greeting and negotiates capabilities. */
    static RawQmpSession open(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        return negotiate(ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
    }

    /** Reads the greeting from a connected stream pair and negotiates capabilities; closes {@code connection} if that fails. */
    static RawQmpSession negotiate(AutoCloseable connection, InputStream in, OutputStream out) throws IOException {
        RawQmpSession s = new RawQmpSession(connection, in, out);
        try {
            s.handshake();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void handshake() throws IOException {
        RawQmpSession s = this;
        String greeting;
        do {
            greeting = s.in.readLine();
            if (greeting == null) {
                throw new IOException("EOF before the QMP greeting");
            }
        } while (!greeting.contains("\"QMP\""));
        s.execute("{\"execute\":\"qmp_capabilities\",\"id\":1}");
    }

    /** Sends one command line and returns its reply line. */
    String execute(String commandJson) throws IOException {
        send(commandJson);
        return readReply();
    }

    void send(String commandJson) throws IOException {
        out.write((commandJson + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush(); // an SSH channel's stream sends on flush
    }

    String readReply() throws IOException {
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("EOF while waiting for a QMP reply");
            }
            if (line.contains("\"event\"")) {
                continue;
            }
            if (!line.contains("\"return\"")) {
                throw new IOException("QMP error: " + line);
            }
            return line;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }
}
