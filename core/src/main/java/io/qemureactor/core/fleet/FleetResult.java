package io.qemureactor.core.fleet;

import io.qemureactor.core.vm.RunningVm;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a fleet's boot: the VMs that are up (in member order) and, under
 * {@link FleetPolicy#BEST_EFFORT}, the ones that are not.
 *
 * @param running   the VMs that are up; stop them with {@link Fleet#shutdown()}
 * @param failed    the members that did not come up (empty under all-or-nothing: that fails instead)
 * @param placement VM name to the fleet host it runs on
 */
public record FleetResult(List<RunningVm> running, List<MemberFailure> failed, Map<String, String> placement) {

    /**
     * Copies the components into unmodifiable collections.
     *
     * @param running the VMs that are up; stop them with {@link Fleet#shutdown()}
     * @param failed the members that did not come up (empty under all-or-nothing: that fails instead)
     * @param placement VM name to the fleet host it runs on
     */
    public FleetResult {
        running = List.copyOf(running);
        failed = List.copyOf(failed);
        placement = Map.copyOf(placement);
    }

    /**
     * The running VM named {@code name}.
     *
     * @param name a member's name
     * @return the VM, or empty if it is not running (failed or not a member)
     */
    public Optional<RunningVm> vm(String name) {
        return running.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /**
     * The fleet host a VM was placed on.
     *
     * @param vmName a member's name
     * @return the {@link FleetHost#name()}, or empty if the member is unknown
     */
    public Optional<String> hostOf(String vmName) {
        return Optional.ofNullable(placement.get(vmName));
    }

    /**
     * Whether every member came up.
     *
     * @return {@code true} if {@link #failed()} is empty
     */
    public boolean allRunning() {
        return failed.isEmpty();
    }
}
