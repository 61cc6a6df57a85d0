package io.qemureactor.core.fleet;

import io.qemureactor.core.ConfigurationException;

/** A topology file that cannot be used; the message names the file and the field, e.g. {@code hosts[1].cpus}. */
public class TopologyException extends ConfigurationException {

    /**
     * A message naming the file and field.
     *
     * @param message the message, naming the file and field
     */
    public TopologyException(String message) {
        super(message);
    }

    /**
     * As {@link #TopologyException(String)}, keeping the {@code cause} (e.g. a JSON parse error).
     *
     * @param message the message, naming the file and field
     * @param cause why, e.g. an I/O or JSON parse error
     */
    public TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
