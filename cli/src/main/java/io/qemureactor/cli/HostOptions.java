package io.qemureactor.cli;

import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

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
