package io.qemureactor.core.fleet;

import io.qemureactor.core.OperationFailedException;
import java.util.List;

/**
 * A host's ledger cannot give a VM what it needs. The message names the host, the VM and each
 * resource that is short, with who holds it, e.g. {@code host localhost: 3 CPUs asked for vm4, 1
 * free (cpus 0-1 reserved by vm1, vm2)}.
 */
public class ResourceUnavailableException extends OperationFailedException {

    private final String host;
    private final String vmName;
    private final List<String> reasons;

    /** {@code host} cannot give {@code vmName} what it needs, one of {@code reasons} per resource that is short. */
    public ResourceUnavailableException(String host, String vmName, List<String> reasons) {
        super("host " + host + ": " + String.join("; ", reasons));
        this.host = host;
        this.vmName = vmName;
        this.reasons = List.copyOf(reasons);
    }

    /** The host whose ledger is short. */
    public String host() {
        return host;
    }

    /** The VM that asked. */
    public String vmName() {
        return vmName;
    }

    /** One line per resource that is short, without the host prefix. */
    public List<String> reasons() {
        return reasons;
    }
}
