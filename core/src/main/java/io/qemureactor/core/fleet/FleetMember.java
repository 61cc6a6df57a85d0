package io.qemureactor.core.fleet;

import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * One VM of a fleet: what to boot, how to tell it is up, and what the fleet should arrange for
 * it. Immutable; {@code with*}/{@code on} return copies.
 *
 * @param spec    the VM
 * @param probe   decides when it is ready
 * @param pinCpus how many host CPUs of its own it gets; its vCPUs are pinned to them once it is
 *                ready (vCPU i to the i-th CPU, round robin). 0: not pinned
 * @param host    the fleet host it must go on; empty: the one with most free capacity
 */
public record FleetMember(VmSpec spec, BootProbe probe, int pinCpus, Optional<String> host) {

    public FleetMember {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(host, "host");
        if (pinCpus < 0) {
            throw new IllegalArgumentException(spec.name() + ": pinCpus " + pinCpus + " is negative");
        }
    }

    public static FleetMember of(VmSpec spec, BootProbe probe) {
        return new FleetMember(spec, probe, 0, Optional.empty());
    }

    /** A copy that gets {@code cpus} host CPUs of its own and is pinned to them once ready. */
    public FleetMember pinning(int cpus) {
        return new FleetMember(spec, probe, cpus, host);
    }

    /** A copy that must be placed on the fleet host named {@code hostName}. */
    public FleetMember on(String hostName) {
        return new FleetMember(spec, probe, pinCpus, Optional.of(hostName));
    }

    public String name() {
        return spec.name();
    }

    @Override
    public String toString() {
        return name() + (pinCpus > 0 ? " (" + pinCpus + " pinned CPUs)" : "") + host.map(h -> " on " + h).orElse("");
    }
}
