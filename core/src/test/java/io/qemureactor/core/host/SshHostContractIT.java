package io.qemureactor.core.host;

import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SshdExtension.class)
class SshHostContractIT extends HostContract {

    private SshHost host;

    @BeforeEach
    void connect(Sshd sshd) {
        host = SshHosts.to(sshd);
    }

    @AfterEach
    void close() {
        host.close().block(T);
    }

    @Override
    Host host() {
        return host;
    }
}
