package io.qemureactor.core.template;

import io.qemureactor.core.probe.BootProbe;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-clone choices of a restore.
 *
 * @param hostname     set the guest's hostname to this after the restore (through the agent); empty: the
 *                     clone keeps the template's
 * @param readyTimeout how long the clone's agent may take to answer after {@code cont}
 */
public record CloneOptions(Optional<String> hostname, Duration readyTimeout) {

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public CloneOptions {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        hostname.ifPresent(h -> {
            if (!HOSTNAME.matcher(h).matches()) {
                throw new IllegalArgumentException("hostname '" + h + "' is not a valid host name (letters, digits, '-')");
            }
        });
    }

    /** The template's hostname, the agent probe's default bound. */
    public static CloneOptions defaults() {
        return new CloneOptions(Optional.empty(), BootProbe.DEFAULT_TIMEOUT);
    }

    public CloneOptions withHostname(String name) {
        return new CloneOptions(Optional.of(name), readyTimeout);
    }

    public CloneOptions withReadyTimeout(Duration timeout) {
        return new CloneOptions(hostname, timeout);
    }
}
