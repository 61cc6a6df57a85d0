package io.qemureactor.core.launch;

import io.qemureactor.core.ConfigurationException;

/** Something a VM needs is missing on its host; raised before QEMU is started. */
public class LaunchPrerequisiteException extends ConfigurationException {

    /**
     * A message naming what is missing, on which host, and how to get it.
     *
     * @param message what is missing, where, and how to get it
     */
    public LaunchPrerequisiteException(String message) {
        super(message);
    }
}
