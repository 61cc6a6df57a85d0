import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an SSH host costs this JVM while nothing happens: an SshHost to scripts/bench-sshd with its
 * reaper running (as after any launch) and N remote {@code sleep 120}s, then the JVM's CPU time over
 * three 10 s windows in which nothing is asked of it. Not part of the build; run it with the CLI's jar:
 *
 * <pre>
 * scripts/bench-sshd start
 * java -cp cli/target/qemu-reactor.jar scripts/BenchSshIdleCost.java 8
 * </pre>
 */
public class BenchSshIdleCost {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Path dir = Path.of(System.getenv().getOrDefault("QEMU_REACTOR_BENCH_SSHD", "/tmp/qemu-reactor-bench-sshd"));
        String port = Files.readString(dir.resolve("port")).strip();
        SshHost host = SshHost.of(SshTarget.parse("ssh://" + System.getProperty("user.name") + "@127.0.0.1:" + port)
                .withIdentity(dir.resolve("client_ed25519")).withKnownHosts(dir.resolve("known_hosts")));
        var entry = host.reaper().trackFolder("/tmp/qemu-reactor-idle-cost-nothing").block();
        List<HostProcess> sleeping = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sleeping.add(host.start(List.of("sleep", "120"), "/dev/null").block());
            }
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            Thread.sleep(3000);
            for (int r = 0; r < 3; r++) {
                long before = os.getProcessCpuTime();
                Thread.sleep(10_000);
                System.out.printf("%d remote process(es) and the reaper: this JVM's CPU %d ms in 10 s idle%n",
                        n, (os.getProcessCpuTime() - before) / 1_000_000);
            }
        } finally {
            for (HostProcess p : sleeping) {
                p.kill().then(p.onExit()).block();
            }
            entry.forget().block();
            host.close().block();
        }
        System.exit(0);
    }
}
