package io.qemureactor.core.fleet;

/** A topology file that cannot be used; the message names the file and the field, e.g. {@code hosts[1].cpus}. */
public class TopologyException extends RuntimeException {

    public TopologyException(String message) {
        super(message);
    }

    public TopologyException(String message, Throwable cause) {
        super(message, cause);
    }
}
