package io.qemureactor.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The sshd fixture is a real daemon: JSch logs in with the generated key, verifying the pinned host key. */
@ExtendWith(SshdExtension.class)
class SshdFixtureIT {

    @Test
    void runsACommandOverSshWithTheHostKeyVerified(Sshd sshd) throws Exception {
        Session session = session(sshd, sshd.knownHosts());
        try {
            session.connect(10_000);
            ChannelExec exec = (ChannelExec) session.openChannel("exec");
            exec.setCommand("echo hello-from-sshd");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            exec.setOutputStream(out);
            exec.connect(10_000);
            while (!exec.isClosed()) {
                Thread.sleep(10);
            }
            assertThat(exec.getExitStatus()).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello-from-sshd\n");
            exec.disconnect();
        } finally {
            session.disconnect();
        }
    }

    @Test
    void anUnknownHostKeyIsRefused(Sshd sshd, @TempDir Path tmp) throws Exception {
        Path empty = Files.createFile(tmp.resolve("known_hosts"));
        Session session = session(sshd, empty);
        assertThatThrownBy(() -> session.connect(10_000))
                .isInstanceOf(JSchException.class)
                .hasMessageContaining("reject HostKey");
    }

    private static Session session(Sshd sshd, Path knownHosts) throws JSchException {
        JSch jsch = new JSch();
        jsch.addIdentity(sshd.clientKey().toString());
        jsch.setKnownHosts(knownHosts.toString());
        Session session = jsch.getSession(sshd.user(), sshd.host(), sshd.port());
        session.setConfig("StrictHostKeyChecking", "yes");
        return session;
    }
}
