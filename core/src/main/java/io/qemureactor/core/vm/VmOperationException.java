package io.qemureactor.core.vm;

import io.qemureactor.core.OperationFailedException;

/** An operation on a running VM (pinning, real-time, NIC mapping) did not do what it should. */
public class VmOperationException extends OperationFailedException {

    /**
     * A message naming the VM and the operation that failed.
     *
     * @param message names the VM and the operation that failed
     */
    public VmOperationException(String message) {
        super(message);
    }
}
