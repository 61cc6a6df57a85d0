package io.qemureactor.core.junit;

import io.qemureactor.core.OperationFailedException;

/**
 * The VMs of a {@link QemuVms} test class did not boot, so none of its tests runs: each fails
 * with this. The message says which VM failed and why, followed by what QEMU and the guest's
 * console said (the launcher's {@link io.qemureactor.core.launch.VmLaunchException#details()});
 * the cause is the fleet's error ({@link io.qemureactor.core.fleet.FleetBootException}, or a
 * timeout). Nothing of the class's VMs is left running.
 */
public class QemuVmsBootException extends OperationFailedException {

    /**
     * A message naming the VM that failed, with what QEMU and its console said; {@code cause} is the fleet's error.
     *
     * @param message names the VM that failed, with what QEMU and its console said
     * @param cause the fleet's error, or a timeout
     */
    public QemuVmsBootException(String message, Throwable cause) {
        super(message, cause);
    }
}
