package io.qemureactor.core.fleet;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A step of one VM of a fleet. Per VM they come in this order: {@link Type#LAUNCHED},
 * {@link Type#QMP_CONNECTED}, {@link Type#READY}, then {@link Type#STOPPED}; or
 * {@link Type#FAILED} at any point before STOPPED (then nothing more for that VM).
 *
 * @param type   what happened
 * @param vmName the VM's name
 * @param vmId   the VM's id
 * @param host   the fleet host it was placed on
 * @param at     when it happened
 * @param error  why, for {@link Type#FAILED}
 */
public record FleetEvent(Type type, String vmName, int vmId, String host, Instant at, Optional<Throwable> error) {

    /** The steps of a VM's life in a fleet. */
    public enum Type {
        /** Its launch began (the launcher's {@code start} was subscribed). */
        LAUNCHED,
        /** QEMU runs, its QMP session is up and the guest has been released; the boot probe starts. */
        QMP_CONNECTED,
        /** The boot probe said ready (and, for a pinned member, before its vCPUs are pinned). */
        READY,
        /** It did not come up (or could not be pinned): the error says why. Nothing of it is left running. */
        FAILED,
        /** It was stopped: by {@link Fleet#shutdown()}, or because the fleet's boot failed or was cancelled. */
        STOPPED
    }

    /**
     * Validates the components.
     *
     * @param type what happened
     * @param vmName the VM's name
     * @param vmId the VM's id
     * @param host the fleet host it was placed on
     * @param at when it happened
     * @param error why, for {@link Type#FAILED}
     * @throws NullPointerException if a component is null
     */
    public FleetEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(vmName, "vmName");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(error, "error");
    }

    @Override
    public String toString() {
        return at + " " + type + " " + vmName + " on " + host + error.map(e -> ": " + e.getMessage()).orElse("");
    }
}
