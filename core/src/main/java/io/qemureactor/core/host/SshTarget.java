package io.qemureactor.core.host;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to reach an SSH host. Host keys are verified against {@code knownHosts} unless
 * the caller explicitly opts out with {@link #acceptingAnyHostKey()}.
 *
 * @param user        the login name
 * @param host        host name or address
 * @param port        the SSH port
 * @param identity    a private key file; empty to use none (then authentication fails unless the server allows it)
 * @param knownHosts  the known_hosts file host keys are checked against
 * @param verifyHostKeys false only when the user asked for it: every host key is then accepted
 * @param sudo        run commands through {@code sudo -n}
 */
public record SshTarget(String user, String host, int port, Optional<Path> identity, Path knownHosts,
                        boolean verifyHostKeys, boolean sudo) {

    public static final int DEFAULT_PORT = 22;

    public SshTarget {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(knownHosts, "knownHosts");
        if (user.isBlank()) {
            throw new IllegalArgumentException("ssh target: user must not be empty (ssh://USER@host)");
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("ssh target: host must not be empty (ssh://user@HOST)");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("ssh target: port " + port + " is not in 1..65535");
        }
    }

    /**
     * Parses {@code ssh://user@host[:port]} (the user defaults to the local user name), with the
     * user's {@code ~/.ssh/known_hosts} and no identity; use the {@code with*} methods to change them.
     */
    public static SshTarget parse(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not an ssh URI: '" + uri + "' (expected ssh://user@host[:port])");
        }
        if (!"ssh".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("not an ssh URI: '" + uri + "' (expected ssh://user@host[:port])");
        }
        String user = u.getUserInfo() == null ? System.getProperty("user.name") : u.getUserInfo();
        int port = u.getPort() < 0 ? DEFAULT_PORT : u.getPort();
        Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
        return new SshTarget(user, u.getHost(), port, Optional.empty(), knownHosts, true, false);
    }

    public SshTarget withIdentity(Path key) {
        return new SshTarget(user, host, port, Optional.of(key), knownHosts, verifyHostKeys, sudo);
    }

    public SshTarget withKnownHosts(Path file) {
        return new SshTarget(user, host, port, identity, file, verifyHostKeys, sudo);
    }

    public SshTarget withSudo(boolean useSudo) {
        return new SshTarget(user, host, port, identity, knownHosts, verifyHostKeys, useSudo);
    }

    /** Opts out of host key verification: only for throwaway hosts whose key cannot be known. */
    public SshTarget acceptingAnyHostKey() {
        return new SshTarget(user, host, port, identity, knownHosts, false, sudo);
    }

    /** {@code ssh://user@host:port}. */
    public String uri() {
        return "ssh://" + user + "@" + host + ":" + port;
    }
}
