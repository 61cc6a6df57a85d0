package io.qemureactor.core.fleet;

/** What a fleet does when some of its VMs fail to boot. */
public enum FleetPolicy {
    /**
     * The default: the fleet is up only if every VM is. At the first failure the boots still in
     * progress are cancelled, the VMs already up are stopped, and
     * {@link Fleet#ready()} fails with a {@link FleetBootException} that names each VM that failed
     * and why.
     */
    ALL_OR_NOTHING,
    /**
     * Every boot runs to its end; the VMs that came up stay up and {@link Fleet#ready()} reports
     * them with the ones that failed ({@link FleetResult#failed()}).
     */
    BEST_EFFORT
}
