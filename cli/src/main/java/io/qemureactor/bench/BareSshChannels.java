package io.qemureactor.bench;

import com.jcraft.jsch.ChannelDirectStreamLocal;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import io.qemureactor.core.host.SshTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The floor of {@code bench qmp --host}: QMP over SSH with no engine at all — {@link RawQmpSession}'s
 * blocking client on a bare {@code direct-streamlocal} channel of a JSch session of its own, read
 * through JSch's own piped stream. What it costs against the same client on the local socket is what
 * the SSH hop itself costs here (sshd's wake-ups, the cipher, JSch's session thread), whatever the
 * client. Blocking: called on bounded-elastic workers ({@link BlockingIo}).
 */
final class BareSshChannels implements AutoCloseable {

    private static final int TIMEOUT_MS = 15_000;

    private final Session session;
    private final ChannelExec keepsNoDelay;

    private BareSshChannels(Session session, ChannelExec keepsNoDelay) {
        this.session = session;
        this.keepsNoDelay = keepsNoDelay;
    }

    /**
     * Logs in to {@code target} as {@code SshHost} does (public key, the target's known_hosts) and starts
     * one idle exec channel: sshd turns Nagle's algorithm off on a connection only once a session channel
     * starts, and without it every reply would wait ~40 ms for a delayed ACK (the engine's command shell
     * is such a channel).
     */
    static BareSshChannels open(SshTarget target) throws JSchException {
        JSch jsch = new JSch();
        if (target.identity().isPresent()) {
            jsch.addIdentity(target.identity().get().toString());
        }
        jsch.setKnownHosts(target.knownHosts().toString());
        Session session = jsch.getSession(target.user(), target.host(), target.port());
        session.setConfig("StrictHostKeyChecking", target.verifyHostKeys() ? "yes" : "no");
        session.setConfig("PreferredAuthentications", "publickey");
        session.connect(TIMEOUT_MS);
        try {
            ChannelExec exec = (ChannelExec) session.openChannel("exec");
            exec.setCommand("exec cat"); // ends when the channel closes
            exec.connect(TIMEOUT_MS);
            return new BareSshChannels(session, exec);
        } catch (JSchException | RuntimeException e) {
            session.disconnect();
            throw e;
        }
    }

    /** Opens a channel to the unix socket {@code path} on the host and negotiates QMP on it. */
    RawQmpSession connect(String path) throws IOException {
        try {
            ChannelDirectStreamLocal channel = (ChannelDirectStreamLocal) session.openChannel("direct-streamlocal@openssh.com");
            channel.setSocketPath(path);
            InputStream in = channel.getInputStream();
            OutputStream out = channel.getOutputStream();
            channel.connect(TIMEOUT_MS);
            return RawQmpSession.negotiate(channel::disconnect, in, out);
        } catch (JSchException e) {
            throw new IOException("cannot open a channel to " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        keepsNoDelay.disconnect();
        session.disconnect();
    }
}
