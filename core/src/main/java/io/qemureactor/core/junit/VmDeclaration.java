package io.qemureactor.core.junit;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link BootVm} with full control: the spec, the probe, optionally the host it goes on (for
 * example an {@code SshHost} wrapped in a {@link FleetHost}; default this machine) and a number
 * of host CPUs its vCPUs are pinned to once it is up. Immutable; {@code on}/{@code pinning}
 * return copies.
 *
 * <pre>{@code
 * @BootVm static final VmDeclaration dut = VmDeclaration.of(spec, BootProbe.qga().withTimeout(Duration.ofMinutes(3)))
 *         .pinning(1);
 * }</pre>
 *
 * @param spec    the VM
 * @param probe   decides when it is ready
 * @param host    where it runs; empty: this machine
 * @param pinCpus host CPUs of its own (0: not pinned); see {@link FleetMember#pinning(int)}
 */
public record VmDeclaration(VmSpec spec, BootProbe probe, Optional<FleetHost> host, int pinCpus) {

    public VmDeclaration {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(host, "host");
        if (pinCpus < 0) {
            throw new IllegalArgumentException(spec.name() + ": pinCpus " + pinCpus + " is negative");
        }
    }

    /** {@code spec} on this machine, ready when {@code probe} says so. */
    public static VmDeclaration of(VmSpec spec, BootProbe probe) {
        return new VmDeclaration(spec, probe, Optional.empty(), 0);
    }

    /** A copy that runs on {@code fleetHost}. */
    public VmDeclaration on(FleetHost fleetHost) {
        return new VmDeclaration(spec, probe, Optional.of(fleetHost), pinCpus);
    }

    /** A copy whose vCPUs are pinned to {@code cpus} host CPUs of its own once it is up. */
    public VmDeclaration pinning(int cpus) {
        return new VmDeclaration(spec, probe, host, cpus);
    }
}
