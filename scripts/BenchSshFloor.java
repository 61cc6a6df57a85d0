import com.jcraft.jsch.ChannelDirectStreamLocal;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import io.qemureactor.core.host.SshUnixSocket;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.transport.PeerAddress;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Where one QMP connect + qmp_capabilities + query-status + close spends its time over SSH, and
 * the floor any SSH transport has here (issue 16). Not part of the build: run it with the CLI's jar
 * against an sshd on 127.0.0.1 and a QEMU monitor socket on this machine:
 *
 * <pre>
 * qemu-system-x86_64 -machine none -display none -nodefaults -qmp unix:/tmp/f/qmp.sock,server=on,wait=off &amp;
 * java -cp examples/target/qemu-reactor.jar scripts/BenchSshFloor.java ROUNDS PORT KEY KNOWN_HOSTS /tmp/f/qmp.sock
 * </pre>
 *
 * Cases run interleaved, one of each per iteration; medians in ms. "raw" cases use blocking JDK
 * streams and no Netty: they are the floors of their paths.
 */
public class BenchSshFloor {
    static final byte[] CAPS = "{\"execute\":\"qmp_capabilities\"}\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] STATUS = "{\"execute\":\"query-status\"}\r\n".getBytes(StandardCharsets.US_ASCII);

    interface Step {
        void run() throws Exception;
    }

    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        int port = Integer.parseInt(a[1]);
        String sock = a[4];
        SshTarget target = SshTarget.parse("ssh://root@127.0.0.1:" + port).withIdentity(Path.of(a[2])).withKnownHosts(Path.of(a[3]));
        SshHost host = SshHost.of(target);
        SshUnixSocket reached = (SshUnixSocket) host.reachUnixSocket(sock).block(Duration.ofSeconds(60));
        PeerAddress stream = PeerAddress.stream(reached.toString(), reached);
        InetSocketAddress fwd = host.forwardUnixSocket(sock).block(Duration.ofSeconds(60));
        PeerAddress forward = PeerAddress.tcp("127.0.0.1", fwd.getPort());
        PeerAddress local = PeerAddress.unix(sock);

        // a bare JSch session of its own; an exec channel on it makes sshd set TCP_NODELAY (sshd does so for the
        // first session channel; a session with only forwards keeps Nagle on and pays ~40 ms per reply)
        JSch jsch = new JSch();
        jsch.addIdentity(a[2]);
        jsch.setKnownHosts(a[3]);
        Session s = jsch.getSession("root", "127.0.0.1", port);
        s.setConfig("PreferredAuthentications", "publickey");
        s.connect(15_000);
        ChannelExec exec = (ChannelExec) s.openChannel("exec");
        exec.setCommand("exec sleep 3600");
        exec.connect(15_000);

        Map<String, Step> cases = new LinkedHashMap<>();
        cases.put("engine here: Netty on the unix socket", () -> netty(local));
        cases.put("engine over SSH: Netty on an SSH channel (SshUnixSocket)", () -> netty(stream));
        cases.put("engine through JSch's local port forward", () -> netty(forward));
        cases.put("raw here: JDK unix socket", () -> rawUnix(sock));
        cases.put("raw through JSch's local port forward", () -> rawTcp(fwd.getPort()));
        cases.put("raw on a bare JSch channel (the SSH floor)", () -> rawJsch(s, sock));
        cases.put("  of which: JSch channel open + close only", () -> jschOpenClose(s, sock));
        cases.put("loopback TCP connect + 1-byte echo (a forward's extra hop)", echo());
        Map<String, double[]> times = new LinkedHashMap<>();
        cases.keySet().forEach(k -> times.put(k, new double[n]));
        for (int pass = 0; pass < 2; pass++) { // pass 0 warms up
            for (int i = 0; i < n; i++) {
                for (var c : cases.entrySet()) {
                    long t0 = System.nanoTime();
                    if (System.getenv("TRACE") != null) { // which case a slow run is in
                        System.err.println(pass + " " + i + " " + c.getKey());
                    }
                    c.getValue().run();
                    times.get(c.getKey())[i] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        double base = median(times.get("engine here: Netty on the unix socket"));
        System.out.println("| case | median ms | p25–p75 ms | / engine here |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (var e : times.entrySet()) {
            double m = median(e.getValue());
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f–%.2f | %.2fx |%n", e.getKey(), m, pct(e.getValue(), 25),
                    pct(e.getValue(), 75), m / base);
        }
        s.disconnect();
        host.close().block(Duration.ofSeconds(10));
        System.exit(0);
    }

    static double median(double[] v) {
        return pct(v, 50);
    }

    static double pct(double[] v, int p) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[Math.min(c.length - 1, c.length * p / 100)];
    }

    static void netty(PeerAddress p) {
        Mono.usingWhen(QmpClient.connect(p), c -> c.execute("query-status"), QmpClient::close).block();
    }

    static void lines(InputStream in, int n) throws IOException {
        int seen = 0;
        while (seen < n) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            if (b == '\n') {
                seen++;
            }
        }
    }

    static void exchange(InputStream in, OutputStream out) throws IOException {
        lines(in, 1);
        out.write(CAPS);
        out.flush();
        lines(in, 1);
        out.write(STATUS);
        out.flush();
        lines(in, 1);
    }

    static void rawUnix(String sock) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            exchange(new BufferedInputStream(Channels.newInputStream(ch)), Channels.newOutputStream(ch));
        }
    }

    static void rawTcp(int port) throws IOException {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setTcpNoDelay(true);
            exchange(new BufferedInputStream(c.getInputStream()), c.getOutputStream());
        }
    }

    static void rawJsch(Session s, String sock) throws Exception {
        ChannelDirectStreamLocal ch = (ChannelDirectStreamLocal) s.openChannel("direct-streamlocal@openssh.com");
        ch.setSocketPath(sock);
        InputStream in = ch.getInputStream();
        OutputStream out = ch.getOutputStream();
        ch.connect(15_000);
        exchange(new BufferedInputStream(in), out);
        ch.disconnect();
    }

    static void jschOpenClose(Session s, String sock) throws Exception {
        ChannelDirectStreamLocal ch = (ChannelDirectStreamLocal) s.openChannel("direct-streamlocal@openssh.com");
        ch.setSocketPath(sock);
        ch.connect(15_000);
        ch.disconnect();
    }

    static Step echo() throws IOException {
        java.net.ServerSocket server = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try (Socket c = server.accept()) {
                    c.getOutputStream().write(c.getInputStream().read());
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return () -> {
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                c.setTcpNoDelay(true);
                c.getOutputStream().write(1);
                c.getInputStream().read();
            }
        };
    }
}
