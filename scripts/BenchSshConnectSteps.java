import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import io.qemureactor.core.host.SshUnixSocket;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.StreamOpener;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue 16's (c), per step: where one engine connect + qmp_capabilities + query-status over SSH spends
 * its time. The engine's own SSH socket opener is wrapped so that each step is stamped where it happens
 * (the thread is printed too): the open begins (on a worker), the SSH channel is open, the greeting reaches
 * JSch's session thread, qmp_capabilities is written, its reply arrives, the connect completes, the command
 * is written, its reply arrives, the command completes. Medians (and quartiles) in ms from the subscription,
 * over 250 connects after 50 warm-up ones, three rounds. Not part of the build; run it with the CLI's jar:
 *
 * <pre>
 * scripts/bench-sshd start
 * qemu-system-x86_64 -S -machine none -display none -nodefaults -qmp unix:/tmp/f/qmp.sock,server=on,wait=off &amp;
 * java -cp cli/target/qemu-reactor.jar scripts/BenchSshConnectSteps.java ssh://$(id -un)@127.0.0.1:42999 \
 *     /tmp/qemu-reactor-bench-sshd/client_ed25519 /tmp/qemu-reactor-bench-sshd/known_hosts /tmp/f/qmp.sock
 * </pre>
 */
public class BenchSshConnectSteps {
    static final int N = 300;
    static final int WARM = 50;
    static final String[] STEPS = {"subscribed", "open begins", "SSH channel open", "greeting at JSch", "caps written",
        "caps reply at JSch", "connected", "command written", "reply at JSch", "command done"};
    static long[][] t = new long[N][STEPS.length];
    static volatile int cur;
    static final Map<Integer, String> THREADS = new ConcurrentHashMap<>();

    static void stamp(int step) {
        long[] row = t[cur];
        if (row[step] == 0) {
            row[step] = System.nanoTime();
            THREADS.put(step, Thread.currentThread().getName());
        }
    }

    public static void main(String[] a) throws Exception {
        SshTarget target = SshTarget.parse(a[0]).withIdentity(Path.of(a[1])).withKnownHosts(Path.of(a[2]));
        SshHost host = SshHost.of(target);
        SshUnixSocket socket = (SshUnixSocket) host.reachUnixSocket(a[3]).block();
        StreamOpener stamped = fromPeer -> {
            stamp(1);
            int[] chunks = {0};
            OutputStream in = new FilterOutputStream(fromPeer) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    stamp(switch (chunks[0]++) { case 0 -> 3; case 1 -> 5; default -> 8; });
                    out.write(b, off, len);
                }
            };
            return socket.open(in).map(toPeer -> {
                stamp(2);
                int[] writes = {0};
                return new FilterOutputStream(toPeer) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        stamp(writes[0]++ == 0 ? 4 : 7);
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        out.close();
                    }
                };
            });
        };
        PeerAddress address = PeerAddress.stream(socket.toString(), stamped);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < N; i++) {
                t[i] = new long[STEPS.length];
            }
            Flux.range(0, N).concatMap(i -> Mono.defer(() -> {
                cur = i;
                stamp(0);
                return Mono.usingWhen(QmpClient.connect(address).doOnNext(c -> stamp(6)),
                        c -> c.execute("query-status").doOnNext(r -> stamp(9)), QmpClient::close);
            })).blockLast();
            System.out.println("round " + (round + 1));
            for (int k = 1; k < STEPS.length; k++) {
                double[] d = new double[N - WARM];
                for (int i = WARM; i < N; i++) {
                    d[i - WARM] = (t[i][k] - t[i][0]) / 1e6;
                }
                Arrays.sort(d);
                System.out.printf("  %-20s %.3f ms  (%.3f-%.3f)  %s%n", STEPS[k], d[d.length / 2], d[d.length / 4],
                        d[3 * d.length / 4], THREADS.get(k));
            }
        }
        host.close().block();
    }
}
