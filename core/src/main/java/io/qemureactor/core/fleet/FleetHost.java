package io.qemureactor.core.fleet;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import java.util.Objects;

/**
 * A host a fleet can place VMs on: its name in the fleet (used in events, placement and
 * messages), how to reach it, and its ledger. Share one {@code FleetHost} between fleets that use
 * the same machine so their reservations see each other.
 */
public record FleetHost(String name, Host host, ResourceLedger ledger) {

    public FleetHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ledger, "ledger");
        if (!ledger.host().equals(name)) {
            throw new IllegalArgumentException("the ledger of host " + name + " is named " + ledger.host());
        }
    }

    /** A host with a fresh ledger over {@code capacity}. */
    public static FleetHost of(String name, Host host, HostCapacity capacity) {
        return new FleetHost(name, host, new ResourceLedger(name, capacity));
    }

    /** This machine, named {@code localhost}, with {@link HostCapacity#localDefault()}. */
    public static FleetHost local() {
        return of(LocalHost.instance().name(), LocalHost.instance(), HostCapacity.localDefault());
    }

    public HostCapacity capacity() {
        return ledger.capacity();
    }

    @Override
    public String toString() {
        return name + " (" + host.name() + ")";
    }
}
