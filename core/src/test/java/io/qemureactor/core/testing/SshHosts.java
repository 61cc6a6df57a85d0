package io.qemureactor.core.testing;

import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.host.SshTarget;
import io.qemureactor.testing.SshdExtension.Sshd;

/** An {@link SshHost} for the sshd fixture: its generated client key, its pinned host key. */
public final class SshHosts {

    private SshHosts() {
    }

    public static SshHost to(Sshd sshd) {
        return SshHost.of(SshTarget.parse(sshd.uri()).withIdentity(sshd.clientKey()).withKnownHosts(sshd.knownHosts()));
    }
}
