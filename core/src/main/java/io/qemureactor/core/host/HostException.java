package io.qemureactor.core.host;

/** Something went wrong talking to a host: it cannot be reached, refused us, or a file operation failed. */
public class HostException extends RuntimeException {

    public HostException(String message) {
        super(message);
    }

    public HostException(String message, Throwable cause) {
        super(message, cause);
    }
}
