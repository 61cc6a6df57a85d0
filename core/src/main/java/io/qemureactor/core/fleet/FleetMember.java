package io.qemureactor.core.fleet;

import io.qemureactor.core.launch.RunFolderPreparer;
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
 * @param preparer writes files into the VM's run folder before QEMU starts (see
 *                {@link RunFolderPreparer}); {@link RunFolderPreparer#none()} for most VMs. A kernel VM's
 *                member ({@code KernelVm.member}) writes its function's init script this way
 * @param starter how the VM comes up when it is not booted by the fleet's launcher (a clone of a template);
 *                empty: booted
 */
public record FleetMember(VmSpec spec, BootProbe probe, int pinCpus, Optional<String> host, RunFolderPreparer preparer,
                          Optional<MemberStarter> starter) {

    /**
     * Validates the components.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @param pinCpus how many host CPUs of its own it gets; its vCPUs are pinned to them once it is ready
     *        (vCPU i to the i-th CPU, round robin). 0: not pinned
     * @param host the fleet host it must go on; empty: the one with most free capacity
     * @param preparer writes files into the VM's run folder before QEMU starts (see {@link
     *        RunFolderPreparer}); {@link RunFolderPreparer#none()} for most VMs. A kernel VM's member ({@code
     *        KernelVm.member}) writes its function's init script this way
     * @param starter how the VM comes up when it is not booted by the fleet's launcher (a clone of a
     *        template); empty: booted
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code pinCpus} is negative
     */
    public FleetMember {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(preparer, "preparer");
        Objects.requireNonNull(starter, "starter");
        if (pinCpus < 0) {
            throw new IllegalArgumentException(spec.name() + ": pinCpus " + pinCpus + " is negative");
        }
    }

    /**
     * A booted member.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @param pinCpus how many host CPUs of its own it gets; 0: not pinned
     * @param host the fleet host it must go on; empty: the one with most free capacity
     * @param preparer writes files into the run folder before QEMU starts
     */
    public FleetMember(VmSpec spec, BootProbe probe, int pinCpus, Optional<String> host, RunFolderPreparer preparer) {
        this(spec, probe, pinCpus, host, preparer, Optional.empty());
    }

    /**
     * A booted member without a run folder preparer.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @param pinCpus how many host CPUs of its own it gets; 0: not pinned
     * @param host the fleet host it must go on; empty: the one with most free capacity
     */
    public FleetMember(VmSpec spec, BootProbe probe, int pinCpus, Optional<String> host) {
        this(spec, probe, pinCpus, host, RunFolderPreparer.none());
    }

    /**
     * A booted member, not pinned, placed on the host with most free capacity.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @return the member
     */
    public static FleetMember of(VmSpec spec, BootProbe probe) {
        return new FleetMember(spec, probe, 0, Optional.empty());
    }

    /**
     * A copy that gets {@code cpus} host CPUs of its own and is pinned to them once ready.
     *
     * @param cpus how many host CPUs; 0: not pinned
     * @return the copy
     * @throws IllegalArgumentException if {@code cpus} is negative
     */
    public FleetMember pinning(int cpus) {
        return new FleetMember(spec, probe, cpus, host, preparer, starter);
    }

    /**
     * A copy that must be placed on the fleet host named {@code hostName}.
     *
     * @param hostName a {@link FleetHost#name()} of the fleet; an unknown name fails the placement
     * @return the copy
     */
    public FleetMember on(String hostName) {
        return new FleetMember(spec, probe, pinCpus, Optional.of(hostName), preparer, starter);
    }

    /**
     * A copy whose run folder {@code runFolderPreparer} prepares before QEMU starts.
     *
     * @param runFolderPreparer writes files into the run folder
     * @return the copy
     */
    public FleetMember preparedBy(RunFolderPreparer runFolderPreparer) {
        return new FleetMember(spec, probe, pinCpus, host, runFolderPreparer, starter);
    }

    /**
     * A copy that comes up through {@code how} instead of a boot by the fleet's launcher.
     *
     * @param how starts the VM (e.g. clones a template)
     * @return the copy
     */
    public FleetMember startedBy(MemberStarter how) {
        return new FleetMember(spec, probe, pinCpus, host, preparer, Optional.of(how));
    }

    /**
     * The VM's name, {@code spec().name()}; unique in a fleet.
     *
     * @return the name
     */
    public String name() {
        return spec.name();
    }

    @Override
    public String toString() {
        return name() + (pinCpus > 0 ? " (" + pinCpus + " pinned CPUs)" : "") + host.map(h -> " on " + h).orElse("");
    }
}
