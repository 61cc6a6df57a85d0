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

    /**
     * The SSH port used when the URI gives none.
     */
    public static final int DEFAULT_PORT = 22;

    /**
     * Checks the components.
     *
     * @param user the login user, not blank
     * @param host the host name or address, not blank
     * @param port the SSH port, 1..65535
     * @param identity the private key file, or empty to use none
     * @param knownHosts the known_hosts file checked when {@code verifyHostKeys}
     * @param verifyHostKeys whether the host key must be in {@code knownHosts}
     * @param sudo whether commands run through {@code sudo -n}
     * @throws IllegalArgumentException for a blank user or host or a port out of range
     * @throws NullPointerException for a null user, host, identity or knownHosts
     */
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
     *
     * @param uri the URI, {@code ssh://user@host[:port]}
     * @return the target, verifying host keys against {@code ~/.ssh/known_hosts}, without sudo
     * @throws IllegalArgumentException if {@code uri} is not an ssh URI with a host
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

    /**
     * This target authenticating with the private key {@code key}.
     *
     * @param key path of the private key file
     * @return a copy with the identity set
     */
    public SshTarget withIdentity(Path key) {
        return new SshTarget(user, host, port, Optional.of(key), knownHosts, verifyHostKeys, sudo);
    }

    /**
     * This target checking host keys against {@code file}.
     *
     * @param file path of a known_hosts file
     * @return a copy with the known_hosts file set
     */
    public SshTarget withKnownHosts(Path file) {
        return new SshTarget(user, host, port, identity, file, verifyHostKeys, sudo);
    }

    /**
     * This target with or without sudo for the commands it runs.
     *
     * @param useSudo whether to run commands through sudo
     * @return a copy with the sudo flag set
     */
    public SshTarget withSudo(boolean useSudo) {
        return new SshTarget(user, host, port, identity, knownHosts, verifyHostKeys, useSudo);
    }

    /**
     * Opts out of host key verification: only for throwaway hosts whose key cannot be known.
     *
     * @return a copy that accepts any host key
     */
    public SshTarget acceptingAnyHostKey() {
        return new SshTarget(user, host, port, identity, knownHosts, false, sudo);
    }

    /**
     * {@code ssh://user@host:port}.
     *
     * @return the URI, with the port always present
     */
    public String uri() {
        return "ssh://" + user + "@" + host + ":" + port;
    }
}
