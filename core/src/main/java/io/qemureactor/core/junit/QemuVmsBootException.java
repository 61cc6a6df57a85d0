package io.qemureactor.core.junit;

/**
 * The VMs of a {@link QemuVms} test class did not boot, so none of its tests runs: each fails
 * with this. The message says which VM failed and why, followed by what QEMU and the guest's
 * console said (the launcher's {@link io.qemureactor.core.launch.VmLaunchException#details()});
 * the cause is the fleet's error ({@link io.qemureactor.core.fleet.FleetBootException}, or a
 * timeout). Nothing of the class's VMs is left running.
 */
public class QemuVmsBootException extends RuntimeException {

    public QemuVmsBootException(String message, Throwable cause) {
        super(message, cause);
    }
}
