import com.jcraft.jsch.*;
import java.io.*;
import java.net.*;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.*;

/**
 * Issue 16's (a), sequential QMP round trips over SSH: the limit of any client on JSch here. Three
 * blocking clients, no engine, in turn for 9 rounds: "local" on the unix socket; "floor-ssh" on a bare
 * JSch direct-streamlocal channel read through JSch's piped stream (a thread hand-off per reply, as
 * bench qmp's floor row); "direct-ssh" with no hand-off at all: JSch's session thread itself reads
 * each reply and writes the next command. Not part of the build; run it with the CLI's jar (it holds
 * JSch) against scripts/bench-sshd and a QEMU monitor socket:
 *
 * <pre>
 * scripts/bench-sshd start
 * qemu-system-x86_64 -S -machine none -display none -nodefaults -qmp unix:/tmp/f/qmp.sock,server=on,wait=off &amp;
 * java -cp cli/target/qemu-reactor.jar scripts/BenchSshNoHandoff.java /tmp/f/qmp.sock 42999 \
 *     /tmp/qemu-reactor-bench-sshd/client_ed25519 /tmp/qemu-reactor-bench-sshd/known_hosts 5000
 * </pre>
 */
public class BenchSshNoHandoff {
    static final byte[] CMD = "{\"execute\":\"query-status\"}\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] CAPS = "{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] a) throws Exception {
        String sock = a[0]; int port = Integer.parseInt(a[1]); String id = a[2], kh = a[3]; int ops = Integer.parseInt(a[4]);
        JSch jsch = new JSch(); jsch.addIdentity(id); jsch.setKnownHosts(kh);
        Session s = jsch.getSession(System.getProperty("user.name"), "127.0.0.1", port);
        s.setConfig("PreferredAuthentications", "publickey"); s.connect(15000);
        ChannelExec exec = (ChannelExec) s.openChannel("exec"); exec.setCommand("exec cat"); exec.connect(15000);
        for (int r = 0; r < 9; r++) {
            double l = local(sock, ops), f = floor(s, sock, ops), d = direct(s, sock, ops);
            System.out.printf("round %d: local %.0f  floor-ssh %.0f  direct-ssh %.0f ops/s   floor/local %.3f direct/local %.3f%n", r, l, f, d, f / l, d / l);
        }
        exec.disconnect(); s.disconnect();
    }

    static double local(String sock, int ops) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            in.readLine(); out.write(CAPS); out.flush(); in.readLine();
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) { out.write(CMD); out.flush(); String line; while ((line = in.readLine()).contains("\"event\"")) { } }
            return ops / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static double floor(Session s, String sock, int ops) throws Exception {
        ChannelDirectStreamLocal c = (ChannelDirectStreamLocal) s.openChannel("direct-streamlocal@openssh.com");
        c.setSocketPath(sock);
        InputStream is = c.getInputStream(); OutputStream out = c.getOutputStream(); c.connect(15000);
        BufferedReader in = new BufferedReader(new InputStreamReader(is, StandardCharsets.UTF_8));
        in.readLine(); out.write(CAPS); out.flush(); in.readLine();
        long t0 = System.nanoTime();
        for (int i = 0; i < ops; i++) { out.write(CMD); out.flush(); String line; while ((line = in.readLine()).contains("\"event\"")) { } }
        double r = ops / ((System.nanoTime() - t0) / 1e9);
        c.disconnect(); Thread.sleep(100);
        return r;
    }

    static double direct(Session s, String sock, int ops) throws Exception {
        ChannelDirectStreamLocal c = (ChannelDirectStreamLocal) s.openChannel("direct-streamlocal@openssh.com");
        c.setSocketPath(sock);
        CountDownLatch done = new CountDownLatch(1);
        long[] t0 = new long[1], t1 = new long[1];
        OutputStream[] out = new OutputStream[1];
        c.setOutputStream(new OutputStream() {
            int lines = 0; // 0 greeting, 1 caps reply, then replies
            public void write(int b) throws IOException { write(new byte[]{(byte) b}, 0, 1); }
            public void write(byte[] b, int off, int len) throws IOException {
                for (int i = off; i < off + len; i++) {
                    if (b[i] != '\n') continue;
                    lines++;
                    if (lines == 1) { synchronized (out) { while (out[0] == null) try { out.wait(); } catch (InterruptedException e) { } } out[0].write(CAPS); out[0].flush(); }
                    else if (lines == 2) { t0[0] = System.nanoTime(); out[0].write(CMD); out[0].flush(); }
                    else if (lines < ops + 2) { out[0].write(CMD); out[0].flush(); }
                    else if (lines == ops + 2) { t1[0] = System.nanoTime(); done.countDown(); }
                }
            }
        }, true);
        OutputStream o = c.getOutputStream(); c.connect(15000);
        synchronized (out) { out[0] = o; out.notifyAll(); }
        done.await();
        c.disconnect(); Thread.sleep(100);
        return ops / ((t1[0] - t0[0]) / 1e9);
    }
}
