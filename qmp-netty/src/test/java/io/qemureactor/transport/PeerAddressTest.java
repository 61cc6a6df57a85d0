package io.qemureactor.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PeerAddressTest {

    @Test
    void parsesAndPrintsBothKinds() {
        assertThat(PeerAddress.parse("unix:/run/vm1/qmp.sock")).isEqualTo(PeerAddress.unix(Path.of("/run/vm1/qmp.sock")));
        assertThat(PeerAddress.parse("/run/vm1/qmp.sock").toString()).isEqualTo("unix:/run/vm1/qmp.sock");
        assertThat(PeerAddress.parse("qmp.sock").isUnix()).isTrue();
        assertThat(PeerAddress.parse("tcp:127.0.0.1:4444")).isEqualTo(PeerAddress.tcp("127.0.0.1", 4444));
        assertThat(PeerAddress.parse("localhost:4444").toString()).isEqualTo("tcp:localhost:4444");
        assertThat(PeerAddress.parse("tcp:[::1]:4444").toString()).isEqualTo("tcp:[::1]:4444");
    }

    @Test
    void givesJdkSocketAddresses() {
        assertThat(PeerAddress.unix("/a/b.sock").toSocketAddress()).isEqualTo(UnixDomainSocketAddress.of("/a/b.sock"));
        assertThat(PeerAddress.tcp("127.0.0.1", 22).toSocketAddress())
                .isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 22));
    }

    @Test
    void rejectsUnixPathsLinuxCannotUse() {
        String tooLong = "/" + "d".repeat(110) + "/qmp.sock";
        assertThatThrownBy(() -> PeerAddress.unix(tooLong)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 107");
        assertThatThrownBy(() -> PeerAddress.parse("tcp:host")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerAddress.tcp("h", 70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStreamIsNamedButIsNoSocket() {
        StreamOpener opener = fromPeer -> reactor.core.publisher.Mono.error(new java.io.IOException("unused"));
        PeerAddress stream = PeerAddress.stream("ssh://root@host:22/run/vm1/qmp.sock", opener);

        assertThat(stream.toString()).isEqualTo("stream:ssh://root@host:22/run/vm1/qmp.sock");
        assertThat(stream.streamOpener()).containsSame(opener);
        assertThat(stream.isUnix()).isFalse();
        assertThat(stream).isEqualTo(PeerAddress.stream("ssh://root@host:22/run/vm1/qmp.sock", opener))
                .isNotEqualTo(PeerAddress.stream("ssh://root@host:22/run/vm1/qmp.sock", fromPeer -> null));
        assertThatThrownBy(stream::toSocketAddress).isInstanceOf(IllegalStateException.class).hasMessageContaining("stream");
    }
}
