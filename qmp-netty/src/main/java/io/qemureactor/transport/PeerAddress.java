package io.qemureactor.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a QMP monitor or a guest agent listens: a unix domain socket (the usual case), a
 * TCP address (e.g. a remote socket reached through an SSH forward on a local port), or a
 * stream that a {@link StreamOpener} opens (e.g. an SSH channel straight to a remote socket).
 *
 * <p>Immutable. {@link #toString()} is the form used in every log line and error message:
 * {@code unix:/run/vm1/qmp.sock}, {@code tcp:127.0.0.1:4444} or {@code stream:NAME};
 * {@link #parse(String)} reads the first two back.
 */
public final class PeerAddress {

    /** Linux's {@code sun_path} holds 108 bytes including the terminating NUL. */
    public static final int MAX_UNIX_PATH_BYTES = 107;

    private final Path unixPath;
    private final String host;
    private final int port;
    private final String streamName;
    private final StreamOpener opener;

    private PeerAddress(Path unixPath, String host, int port) {
        this(unixPath, host, port, null, null);
    }

    private PeerAddress(Path unixPath, String host, int port, String streamName, StreamOpener opener) {
        this.unixPath = unixPath;
        this.host = host;
        this.port = port;
        this.streamName = streamName;
        this.opener = opener;
    }

    /**
     * A unix domain socket.
     *
     * @param path the socket file (it need not exist yet)
     * @return the address
     * @throws IllegalArgumentException if the path is longer than {@value #MAX_UNIX_PATH_BYTES}
     *     bytes, which Linux cannot bind or connect to (fail early with a clear message
     *     instead of a confusing connect error later)
     */
    public static PeerAddress unix(Path path) {
        Objects.requireNonNull(path, "path");
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_UNIX_PATH_BYTES) {
            throw new IllegalArgumentException("unix socket path is " + bytes + " bytes, Linux allows at most "
                    + MAX_UNIX_PATH_BYTES + ": " + path);
        }
        return new PeerAddress(path, null, -1);
    }

    /**
     * A unix domain socket; see {@link #unix(Path)}.
     *
     * @param path the socket file
     * @return the address
     * @throws IllegalArgumentException if the path is too long for Linux
     */
    public static PeerAddress unix(String path) {
        return unix(Path.of(path));
    }

    /**
     * A TCP address, e.g. the local end of an SSH port forward.
     *
     * @param host a host name or IP address, resolved when connecting
     * @param port 1 to 65535
     * @return the address
     * @throws IllegalArgumentException if the port is out of range
     */
    public static PeerAddress tcp(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        return new PeerAddress(null, host, port);
    }

    /**
     * A stream opened by {@code opener} for each connection, e.g. an SSH channel to a remote
     * unix socket: the client's Netty channel is bridged to it in this JVM, without a socket.
     *
     * @param name what the stream reaches, for log lines and errors (e.g. {@code ssh://host/run/vm1/qmp.sock})
     * @param opener opens one stream per connection attempt
     * @return the address
     */
    public static PeerAddress stream(String name, StreamOpener opener) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(opener, "opener");
        return new PeerAddress(null, null, -1, name, opener);
    }

    /**
     * Reads {@code unix:PATH}, {@code tcp:HOST:PORT}, a bare {@code HOST:PORT} (a numeric
     * port after the last colon), or else a bare path: the forms {@link #toString()} writes and
     * the CLI's {@code --socket} accepts.
     *
     * @param text the address
     * @return the address
     * @throws IllegalArgumentException for an empty text, a {@code tcp:} form without a numeric
     *     port, or a path too long for Linux
     */
    public static PeerAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.startsWith("unix:")) {
            return unix(text.substring("unix:".length()));
        }
        boolean explicitTcp = text.startsWith("tcp:");
        String hostPort = explicitTcp ? text.substring("tcp:".length()) : text;
        int colon = hostPort.lastIndexOf(':');
        boolean looksLikeHostPort = colon > 0 && !hostPort.contains("/")
                && hostPort.substring(colon + 1).chars().allMatch(Character::isDigit) && colon < hostPort.length() - 1;
        if (!explicitTcp && !looksLikeHostPort) {
            if (text.isEmpty()) {
                throw new IllegalArgumentException("empty peer address");
            }
            return unix(text);
        }
        if (!looksLikeHostPort) {
            throw new IllegalArgumentException("not a TCP address (tcp:HOST:PORT): " + text);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return tcp(host, Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port number in " + text, e);
        }
    }

    /**
     * Whether this is a unix domain socket.
     *
     * @return true for a unix domain socket, false for TCP
     */
    public boolean isUnix() {
        return unixPath != null;
    }

    /**
     * The opener of a {@link #stream(String, StreamOpener) stream}.
     *
     * @return the opener for a stream, empty for a socket
     */
    public Optional<StreamOpener> streamOpener() {
        return Optional.ofNullable(opener);
    }

    /**
     * The socket file.
     *
     * @return the path for a unix domain socket, empty for TCP or a stream
     */
    public Optional<Path> unixPath() {
        return Optional.ofNullable(unixPath);
    }

    /**
     * The JDK socket address: a {@link UnixDomainSocketAddress}, or an unresolved
     * {@link InetSocketAddress} (resolved by the transport when connecting, not here).
     *
     * @return the address to connect to
     */
    public SocketAddress toSocketAddress() {
        if (opener != null) {
            throw new IllegalStateException(this + " is a stream, not a socket");
        }
        return isUnix() ? UnixDomainSocketAddress.of(unixPath) : InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerAddress other && Objects.equals(unixPath, other.unixPath)
                && Objects.equals(host, other.host) && port == other.port
                && Objects.equals(streamName, other.streamName) && opener == other.opener;
    }

    @Override
    public int hashCode() {
        return Objects.hash(unixPath, host, port, streamName);
    }

    @Override
    public String toString() {
        if (isUnix()) {
            return "unix:" + unixPath;
        }
        if (opener != null) {
            return "stream:" + streamName;
        }
        return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
