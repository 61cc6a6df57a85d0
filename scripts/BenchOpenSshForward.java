import java.io.*;
import java.net.*;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16's (a) and (c) through OpenSSH's own client instead of JSch: is the SSH floor of bench qmp
 * JSch's, or SSH's on this machine? Starts {@code ssh -tt -L LOCAL.sock:REMOTE.sock … exec cat}
 * against scripts/bench-sshd (one OpenSSH client process, which opens a direct-streamlocal channel per
 * connection to LOCAL.sock from its own poll loop, in C, with no thread hand-off), then runs the same
 * blocking clients as bench qmp's floor row, in turn for 7 rounds: (a) sequential query-status round
 * trips and (c) connect + greeting + qmp_capabilities + query-status, on the monitor's socket
 * ("here") and through the forward. Not part of the build; run it with any JDK 17:
 *
 * <pre>
 * scripts/bench-sshd start
 * qemu-system-x86_64 -S -machine none -display none -nodefaults -qmp unix:/tmp/f/qmp.sock,server=on,wait=off &amp;
 * java scripts/BenchOpenSshForward.java /tmp/f/qmp.sock 42999 \
 *     /tmp/qemu-reactor-bench-sshd/client_ed25519 /tmp/qemu-reactor-bench-sshd/known_hosts 5000
 * </pre>
 */
public class BenchOpenSshForward {
    static final byte[] CMD = "{\"execute\":\"query-status\"}\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] CAPS = "{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] a) throws Exception {
        String sock = a[0], port = a[1], identity = a[2], knownHosts = a[3];
        int ops = Integer.parseInt(a[4]);
        Path dir = Files.createTempDirectory("openssh-forward");
        Path forward = dir.resolve("fwd.sock");
        // -tt and an idle remote command: OpenSSH turns Nagle's algorithm off only for an interactive session
        // (a tty), on both ends; without it every reply through the forward waits ~40 ms for a delayed ACK
        List<String> argv = List.of("ssh", "-tt", "-p", port, "-i", identity,
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "ExitOnForwardFailure=yes", "-L", forward + ":" + sock,
                System.getProperty("user.name") + "@127.0.0.1", "exec cat");
        // stdin stays an open pipe (the idle cat's input); the tty's echo goes nowhere
        Process ssh = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 200 && !Files.exists(forward); i++) {
                if (!ssh.isAlive()) throw new IllegalStateException("ssh exited with status " + ssh.exitValue());
                Thread.sleep(25);
            }
            if (!Files.exists(forward)) throw new IllegalStateException("ssh did not make " + forward + " within 5 s");
            for (int r = 0; r < 7; r++) {
                double l = roundTrips(sock, ops), f = roundTrips(forward.toString(), ops);
                double lc = connects(sock, 300), fc = connects(forward.toString(), 300);
                System.out.printf(Locale.ROOT, "round %d: (a) here %.0f, through ssh -L %.0f ops/s: %.3fx   "
                        + "(c) here %.3f, through ssh -L %.3f ms: %.2fx%n", r, l, f, f / l, lc, fc, fc / lc);
            }
        } finally {
            ssh.destroy();
            ssh.waitFor(5, TimeUnit.SECONDS);
            Files.deleteIfExists(forward);
            Files.deleteIfExists(dir);
        }
    }

    /** (a): sequential round trips per second on one negotiated session. */
    static double roundTrips(String sock, int ops) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            negotiate(in, out);
            long t0 = System.nanoTime();
            for (int i = 0; i < ops; i++) {
                command(in, out);
            }
            return ops / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** (c): milliseconds per connect + greeting + qmp_capabilities + one command. */
    static double connects(String sock, int n) throws IOException {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
                OutputStream out = Channels.newOutputStream(ch);
                negotiate(in, out);
                command(in, out);
            }
        }
        return (System.nanoTime() - t0) / 1e6 / n;
    }

    static void negotiate(BufferedReader in, OutputStream out) throws IOException {
        in.readLine();
        out.write(CAPS);
        out.flush();
        in.readLine();
    }

    static void command(BufferedReader in, OutputStream out) throws IOException {
        out.write(CMD);
        out.flush();
        String line;
        while ((line = in.readLine()) != null && line.contains("\"event\"")) {
            // events are not replies
        }
    }
}
