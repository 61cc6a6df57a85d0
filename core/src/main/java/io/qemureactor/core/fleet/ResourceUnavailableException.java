package io.qemureactor.core.fleet;

import io.qemureactor.core.OperationFailedException;
import java.util.List;

/**
 * A host's ledger cannot give a VM what it needs. The message names the host, the VM and each
 * resource that is short, with who holds it, e.g. {@code host localhost: 3 CPUs asked for vm4, 1
 * free (cpus 0-1 reserved by vm1, vm2)}.
 */
public class ResourceUnavailableException extends OperationFailedException {

    /** The host's name in the fleet. */
    private final String host;
    /** The VM that asked. */
    private final String vmName;
    /** One line per short resource. */
    private final List<String> reasons;

    /**
     * {@code host} cannot give {@code vmName} what it needs, one of {@code reasons} per resource that is short.
     *
     * @param host the host's name in the fleet
     * @param vmName the VM that asked
     * @param reasons one line per short resource, with who holds it
     */
    public ResourceUnavailableException(String host, String vmName, List<String> reasons) {
        super("host " + host + ": " + String.join("; ", reasons));
        this.host = host;
        this.vmName = vmName;
        this.reasons = List.copyOf(reasons);
    }

    /**
     * The host whose ledger is short.
     *
     * @return the host's name in the fleet
     */
    public String host() {
        return host;
    }

    /**
     * The VM that asked.
     *
     * @return the VM's name
     */
    public String vmName() {
        return vmName;
    }

    /**
     * One line per resource that is short, without the host prefix.
     *
     * @return an unmodifiable list of the reasons
     */
    public List<String> reasons() {
        return reasons;
    }
}
