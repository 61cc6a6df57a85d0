package io.qemureactor.cli;

import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --host ssh://…}, {@code --identity}, {@code --known-hosts} turned into an {@link SshHost}, checked first. */
final class RemoteHost {

    private RemoteHost() {
    }

    /** The host, or a usage error naming the option that is wrong; the host key is always verified. */
    static SshHost open(String hostUri, Path identity, Path knownHosts) {
        SshTarget target;
        try {
            target = SshTarget.parse(hostUri);
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
            throw CliFailure.usage("--host " + hostUri + ": " + target.knownHosts() + " does not exist, so its host key cannot be "
                    + "verified: add it (ssh-keyscan -p " + target.port() + " " + target.host() + " >> "
                    + target.knownHosts() + ") or pass --known-hosts FILE");
        }
        return SshHost.of(target);
    }
}
