package io.qemureactor.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real OpenSSH {@code sshd} on 127.0.0.1 at a free port, one per test class.
 *
 * <p>Everything it needs is generated in a private temporary folder: an ed25519 host key, a
 * client key pair whose public half is the only authorized key, a {@code known_hosts} file that
 * pins the host key, and the configuration. The daemon runs in the foreground ({@code -D}) as a
 * child of the test JVM, so it is killed by pid after the class, and never outlives the build.
 * Inject {@link Sshd} into a test method or constructor.
 */
public final class SshdExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SshdExtension.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    /** What a test needs to reach the daemon. */
    public record Sshd(String host, int port, String user, Path clientKey, Path knownHosts, Path dir, long pid) {
        public String uri() {
            return "ssh://" + user + "@" + host + ":" + port;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        context.getStore(NS).getOrComputeIfAbsent(Running.class, k -> Running.start(), Running.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == Sshd.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        Running running = e.getStore(NS).get(Running.class, Running.class);
        if (running == null) {
            // parameter of a nested class or the constructor: look up the class-level store
            running = e.getParent().map(parent -> parent.getStore(NS).get(Running.class, Running.class)).orElse(null);
        }
        if (running == null) {
            throw new ParameterResolutionException("sshd was not started: use @ExtendWith(SshdExtension.class) on the class");
        }
        return running.sshd;
    }

    /** The daemon's process and folder; JUnit closes it when the class's store is closed. */
    private static final class Running implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Process process;
        private final Sshd sshd;

        private Running(Process process, Sshd sshd) {
            this.process = process;
            this.sshd = sshd;
        }

        static Running start() {
            try {
                Path sshdBinary = Path.of("/usr/sbin/sshd");
                if (!Files.isExecutable(sshdBinary)) {
                    throw new IllegalStateException("sshd not found at /usr/sbin/sshd: apt-get install openssh-server (scripts/test does)");
                }
                Path dir = Files.createTempDirectory("qr-sshd", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path hostKey = dir.resolve("host_ed25519");
                Path clientKey = dir.resolve("client_ed25519");
                run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "qemu-reactor-test-host", "-f", hostKey.toString()));
                run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "qemu-reactor-test-client", "-f", clientKey.toString()));
                Path authorized = dir.resolve("authorized_keys");
                Files.copy(dir.resolve("client_ed25519.pub"), authorized);
                int port = freePort();
                String hostPub = Files.readString(dir.resolve("host_ed25519.pub"), StandardCharsets.UTF_8).trim();
                String[] parts = hostPub.split(" ");
                Path knownHosts = dir.resolve("known_hosts");
                Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + parts[0] + " " + parts[1] + "\n");
                Path config = dir.resolve("sshd_config");
                // -Dsshd.logLevel=DEBUG2 to see channels and forwards open and close (sshd.log in the fixture folder)
                Files.writeString(config, configuration()
                        .replace("@PORT@", Integer.toString(port))
                        .replace("@DIR@", dir.toString())
                        .replace("@LOG_LEVEL@", System.getProperty("sshd.logLevel", "ERROR")));
                // sshd refuses to start without its privilege separation folder (made by the service normally)
                Files.createDirectories(Path.of("/run/sshd"));
                Process process = new ProcessBuilder(sshdBinary.toString(), "-D", "-e", "-f", config.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("sshd.log").toFile())
                        .start();
                Running running = new Running(process, new Sshd("127.0.0.1", port, System.getProperty("user.name"),
                        clientKey, knownHosts, dir, process.pid()));
                running.awaitListening(dir.resolve("sshd.log"));
                return running;
            } catch (IOException e) {
                throw new IllegalStateException("cannot start sshd: " + e.getMessage(), e);
            }
        }

        private void awaitListening(Path log) throws IOException {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("sshd exited with " + process.exitValue() + ": " + Files.readString(log).strip());
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(sshd.host(), sshd.port()), 200);
                    return;
                } catch (IOException notYet) {
                    Fixtures.pause(Duration.ofMillis(50));
                }
            }
            close();
            throw new IllegalStateException("sshd did not listen on port " + sshd.port() + " within " + START_TIMEOUT);
        }

        @Override
        public void close() {
            Fixtures.killAndWait(process);
            String keep = System.getProperty("sshd.keepLog");
            if (keep != null) {
                // -Dsshd.keepLog=FILE: the daemon's log outlives its folder (with -Dsshd.logLevel=DEBUG2, for a soak)
                try {
                    Files.copy(sshd.dir().resolve("sshd.log"), Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    System.err.println("cannot keep sshd's log: " + e);
                }
            }
            Fixtures.deleteTree(sshd.dir());
        }
    }

    /** The daemon's configuration with its placeholders (shared with scripts/bench-sshd). */
    private static String configuration() throws IOException {
        try (var in = SshdExtension.class.getResourceAsStream("sshd_config")) {
            if (in == null) {
                throw new IllegalStateException("sshd_config is missing from the test classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(argv.get(0) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }
}
