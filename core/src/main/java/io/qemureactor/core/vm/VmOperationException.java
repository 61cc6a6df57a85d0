package io.qemureactor.core.vm;

/** An operation on a running VM (pinning, real-time, NIC mapping) did not do what it should. */
public class VmOperationException extends RuntimeException {

    public VmOperationException(String message) {
        super(message);
    }
}
