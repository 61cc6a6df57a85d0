package io.qemureactor.core;

/**
 * The root of every exception the engine ({@code io.qemureactor.core}) raises: one {@code catch} or
 * {@code onErrorResume(QemuReactorException.class, ...)} for "the engine failed". It has two branches, and
 * every engine exception is in exactly one:
 * <ul>
 *   <li>{@link ConfigurationException}: the input is wrong, found before anything was started (an invalid
 *       spec, a socket path too long, a function config or template parameter that does not fit, a topology
 *       or template that cannot be used, a prerequisite missing on the host). Retrying the same input fails
 *       the same way; the message names the field and the fix.</li>
 *   <li>{@link OperationFailedException}: something failed while the engine was doing its work (a launch or
 *       boot, a host or SSH operation, the vSwitch, an operation on a running VM, a fleet that did not come up
 *       or does not fit the hosts' free resources, a JUnit class's VMs). The input may be fine; the cause, if
 *       any, is kept.</li>
 * </ul>
 *
 * <p><b>The wire.</b> QMP and QGA failures are qmp-netty's own types, rooted at
 * {@code io.qemureactor.exceptions.QmpException}, which this module does not repackage. Where one ends
 * an engine operation, the engine wraps it with the cause kept: a launch
 * ({@code QemuLauncher.start/restore/using}) fails with {@code VmLaunchException}, a fleet's boot with
 * {@code FleetBootException} (or per member in its result). So a caller of {@code QemuLauncher} or
 * {@code Fleet} catches {@code QemuReactorException}. Who talks to a VM's sessions directly
 * ({@code RunningVm.qmp()}, {@code qga()}, {@code console()}) sees qmp-netty's types unwrapped, as the
 * protocol clients raise them. Cancelling (a fleet stopped before it booted) is signalled by
 * {@link java.util.concurrent.CancellationException}, which is not a failure. docs/errors.md has the
 * whole map.
 */
public abstract class QemuReactorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message is one line saying what failed and, where one helps, what to do.
     *
     * @param message the message
     */
    protected QemuReactorException(String message) {
        super(message);
    }

    /**
     * As {@link #QemuReactorException(String)}, keeping the {@code cause}.
     *
     * @param message the message
     * @param cause the underlying failure, kept as {@link Throwable#getCause()}
     */
    protected QemuReactorException(String message, Throwable cause) {
        super(message, cause);
    }
}
