package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SshTargetTest {

    @Test
    void parsesUserHostAndPort() {
        SshTarget t = SshTarget.parse("ssh://csit@10.0.0.5:2222");
        assertThat(t.user()).isEqualTo("csit");
        assertThat(t.host()).isEqualTo("10.0.0.5");
        assertThat(t.port()).isEqualTo(2222);
        assertThat(t.verifyHostKeys()).isTrue();
        assertThat(t.uri()).isEqualTo("ssh://csit@10.0.0.5:2222");
    }

    @Test
    void defaultsToPort22AndTheLocalUser() {
        SshTarget t = SshTarget.parse("ssh://dut1");
        assertThat(t.port()).isEqualTo(22);
        assertThat(t.user()).isEqualTo(System.getProperty("user.name"));
        assertThat(t.knownHosts()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    }

    @Test
    void hostKeyVerificationIsOnlyOffWhenAskedFor() {
        SshTarget t = SshTarget.parse("ssh://u@h").withIdentity(Path.of("/k")).withSudo(true);
        assertThat(t.verifyHostKeys()).isTrue();
        assertThat(t.acceptingAnyHostKey().verifyHostKeys()).isFalse();
    }

    @Test
    void rejectsWhatIsNotAnSshUri() {
        assertThatThrownBy(() -> SshTarget.parse("http://h"))
                .hasMessage("not an ssh URI: 'http://h' (expected ssh://user@host[:port])");
        assertThatThrownBy(() -> SshTarget.parse("ssh://u@h:70000"))
                .hasMessage("ssh target: port 70000 is not in 1..65535");
    }
}
