package io.qemureactor.cli;

import io.qemureactor.core.host.PendingCleanups;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/**
 * {@code --host ssh://…}, {@code --identity}, {@code --known-hosts}: the SSH host a command runs on (what it
 * runs there is the command's to say, in its description), checked before connecting.
 */
final class HostOptions {

    @Option(names = "--host", paramLabel = "ssh://USER@HOST[:PORT]",
            description = "Run over SSH on this host (see the command's description); its host key must be in --known-hosts.")
    String uri;

    @Option(names = "--identity", paramLabel = "FILE", description = "The SSH private key for --host.")
    Path identity;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "The known_hosts file --host's key is checked against (default: ~/.ssh/known_hosts).")
    Path knownHosts;

    private final PendingCleanups closing = new PendingCleanups();

    /**
     * The one place a command's {@code --host} is dispatched: without it, {@code here}; with it, {@code overSsh}
     * on the host, opened when subscribed and closed when the work ends, whatever the end. On a cancel the host is
     * closed only once {@code settled} has completed (what the work started on the host is stopped through it);
     * {@link #settled()} awaits that close. {@code --identity} or {@code --known-hosts} without {@code --host} is a
     * usage error.
     */
    <T> Mono<T> hereOrOverSsh(Supplier<Mono<T>> here, Function<SshHost, Mono<T>> overSsh, Supplier<Mono<Void>> settled) {
        if (!given()) {
            if (hasKeys()) {
                throw CliFailure.usage("--identity and --known-hosts go with --host");
            }
            return Mono.defer(here);
        }
        return Mono.usingWhen(Mono.fromCallable(this::open), overSsh, SshHost::close, (ssh, e) -> ssh.close(),
                ssh -> closing.run(settled.get().then(ssh.close()), "close of " + ssh.name()));
    }

    /** Completes once a host a cancelled command had open is closed. */
    Mono<Void> settled() {
        return closing.settled();
    }

    /** Whether {@code --host} was given. */
    boolean given() {
        return uri != null;
    }

    /** Whether {@code --identity} or {@code --known-hosts} was given. */
    boolean hasKeys() {
        return identity != null || knownHosts != null;
    }

    /** The host, or a usage error naming the option that is wrong; the host key is always verified. */
    SshHost open() {
        SshTarget target;
        try {
            target = SshTarget.parse(uri);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--host: " + e.getMessage());
        }
        if (identity != null) {
            if (!Files.isReadable(identity)) {
                throw CliFailure.usage("--identity " + identity + ": no such file (or not readable)");
            }
            target = target.withIdentity(identity);
        }
        if (knownHosts != null) {
            if (!Files.isReadable(knownHosts)) {
                throw CliFailure.usage("--known-hosts " + knownHosts + ": no such file (or not readable)");
            }
            target = target.withKnownHosts(knownHosts);
        } else if (!Files.isReadable(target.knownHosts())) {
            throw CliFailure.usage("--host " + uri + ": " + target.knownHosts() + " does not exist, so its host key cannot be "
                    + "verified: add it (ssh-keyscan -p " + target.port() + " " + target.host() + " >> "
                    + target.knownHosts() + ") or pass --known-hosts FILE");
        }
        return SshHost.of(target);
    }
}
