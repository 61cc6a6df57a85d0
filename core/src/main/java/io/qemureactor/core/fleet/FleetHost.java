package io.qemureactor.core.fleet;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import java.util.Objects;

/**
 * A host a fleet can place VMs on: its name in the fleet (used in events, placement and
 * messages), how to reach it, and its ledger. Share one {@code FleetHost} between fleets that use
 * the same machine so their reservations see each other.
 *
 * @param name   the host's name in the fleet; must equal the ledger's {@link ResourceLedger#host()}
 * @param host   how to reach the machine (runs QEMU and commands there)
 * @param ledger the reservations of CPUs, memory and ports on that machine
 */
public record FleetHost(String name, Host host, ResourceLedger ledger) {

    /**
     * Validates the components.
     *
     * @param name the host's name in the fleet; must equal the ledger's {@link ResourceLedger#host()}
     * @param host how to reach the machine (runs QEMU and commands there)
     * @param ledger the reservations of CPUs, memory and ports on that machine
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if the ledger is for another host name
     */
    public FleetHost {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ledger, "ledger");
        if (!ledger.host().equals(name)) {
            throw new IllegalArgumentException("the ledger of host " + name + " is named " + ledger.host());
        }
    }

    /**
     * A host with a fresh ledger over {@code capacity}.
     *
     * @param name the host's name in the fleet
     * @param host how to reach the machine
     * @param capacity what the machine offers to fleets
     * @return the host, with an empty ledger
     */
    public static FleetHost of(String name, Host host, HostCapacity capacity) {
        return new FleetHost(name, host, new ResourceLedger(name, capacity));
    }

    /**
     * This machine, named {@code localhost}, with {@link HostCapacity#localDefault()}. Each call
     * makes a new ledger: share the returned value between fleets that run at the same time.
     *
     * @return the local host
     */
    public static FleetHost local() {
        return of(LocalHost.instance().name(), LocalHost.instance(), HostCapacity.localDefault());
    }

    /**
     * What the host offers, from its ledger.
     *
     * @return the ledger's capacity
     */
    public HostCapacity capacity() {
        return ledger.capacity();
    }

    @Override
    public String toString() {
        return name + " (" + host.name() + ")";
    }
}
