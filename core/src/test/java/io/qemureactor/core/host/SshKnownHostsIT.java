package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

/** A malformed known_hosts entry, against a real sshd: one error naming the file and the line. */
@ExtendWith(SshdExtension.class)
class SshKnownHostsIT {

    @TempDir
    Path dir;

    @Test
    void aMalformedLineIsNamedWithItsFile(Sshd sshd) throws Exception {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, Files.readString(sshd.knownHosts()) + "badhost ssh-ed25519 %%%not-base64%%%\n");
        int line = (int) Files.readString(file).lines().count();
        SshHost host = SshHost.of(SshTarget.parse(sshd.uri()).withIdentity(sshd.clientKey()).withKnownHosts(file));
        try {
            StepVerifier.create(host.exec(List.of("true")))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(HostException.class)
                            .hasMessageStartingWith(file + " line " + line + ": the ssh-ed25519 key is not valid base64"))
                    .verify(Duration.ofSeconds(60));
        } finally {
            host.close().block(Duration.ofSeconds(30));
        }
    }
}
