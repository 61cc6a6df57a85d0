package io.qemureactor.core.probe;

/** A boot probe saw that the VM will never be ready (a failure line, the agent's socket gone...). */
public class BootFailedException extends RuntimeException {

    public BootFailedException(String message) {
        super(message);
    }

    public BootFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
