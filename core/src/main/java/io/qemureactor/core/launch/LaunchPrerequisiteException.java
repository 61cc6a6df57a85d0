package io.qemureactor.core.launch;

/** Something a VM needs is missing on its host; raised before QEMU is started. */
public class LaunchPrerequisiteException extends RuntimeException {

    public LaunchPrerequisiteException(String message) {
        super(message);
    }
}
