package io.qemureactor.bench;

import java.io.BufferedReader;
import java.io.IOException;
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
 * bounded-elastic workers ({@link BlockingIo}), never on a thread of their own.
 */
final class RawQmpSession implements AutoCloseable {

    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private RawQmpSession(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects, reads the greeting and negotiates capabilities. */
    static RawQmpSession open(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        RawQmpSession s = new RawQmpSession(ch);
        String greeting;
        do {
            greeting = s.in.readLine();
            if (greeting == null) {
                throw new IOException("EOF before the QMP greeting");
            }
        } while (!greeting.contains("\"QMP\""));
        s.execute("{\"execute\":\"qmp_capabilities\",\"id\":1}");
        return s;
    }

    /** Sends one command line and returns its reply line. */
    String execute(String commandJson) throws IOException {
        send(commandJson);
        return readReply();
    }

    void send(String commandJson) throws IOException {
        out.write((commandJson + "\n").getBytes(StandardCharsets.UTF_8));
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
        channel.close();
    }
}
