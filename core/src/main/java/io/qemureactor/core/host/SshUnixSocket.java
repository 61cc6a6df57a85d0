package io.qemureactor.core.host;

import io.qemureactor.transport.StreamOpener;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * A unix socket on an SSH host, reached by opening one SSH channel to it per connection
 * (OpenSSH's {@code direct-streamlocal}) on the host's session: the protocol clients run on the
 * channel itself, with no local port, loopback TCP hop or JSch thread per connection in between.
 * What {@link SshHost#reachUnixSocket} returns; {@code QemuLauncher} hands it to the clients as a
 * stream peer.
 */
public final class SshUnixSocket extends SocketAddress implements StreamOpener {

    private static final long serialVersionUID = 1L;

    private final transient SshHost host;
    /**
     * The path of the unix socket on the remote host.
     */
    private final String path;

    SshUnixSocket(SshHost host, String path) {
        this.host = Objects.requireNonNull(host, "host");
        this.path = Objects.requireNonNull(path, "path");
    }

    /**
     * The socket's path on the host.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    @Override
    public Mono<OutputStream> open(OutputStream fromPeer) {
        return host.openSocketChannel(path, fromPeer);
    }

    /**
     * Names the socket as {@code ssh://user@host:port/path/of/socket}.
     *
     * @return the name
     */
    @Override
    public String toString() {
        return host.name() + (path.startsWith("/") ? "" : "/") + path;
    }
}
