package io.qemureactor.core.launch;

/**
 * Whether KVM really runs a guest on a host, and why not when it does not.
 *
 * @param usable true when a probe guest ran to completion under KVM
 * @param reason what the probe saw, for logs and for the error when KVM was asked for explicitly
 */
public record KvmVerdict(boolean usable, String reason) {

    static KvmVerdict works() {
        return new KvmVerdict(true, "a probe guest ran under KVM");
    }

    static KvmVerdict unusable(String reason) {
        return new KvmVerdict(false, reason);
    }
}
