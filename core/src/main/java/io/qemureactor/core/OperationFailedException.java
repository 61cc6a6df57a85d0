package io.qemureactor.core;

/**
 * Something failed while the engine was at work: starting or booting a VM, a host or SSH operation, the
 * vSwitch, an operation on a running VM, a fleet. What it had started is stopped before this is signalled
 * (a failed launch kills its QEMU and removes its run folder). The cause, when there is one (a QMP error, an
 * I/O error), is kept. One branch of {@link QemuReactorException}; the other is {@link ConfigurationException}.
 */
public abstract class OperationFailedException extends QemuReactorException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message says what failed.
     *
     * @param message the message
     */
    protected OperationFailedException(String message) {
        super(message);
    }

    /**
     * As {@link #OperationFailedException(String)}, keeping the {@code cause}.
     *
     * @param message the message
     * @param cause the underlying failure, kept as {@link Throwable#getCause()}
     */
    protected OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
