package io.qemureactor.core.fleet;

import io.qemureactor.core.vm.ShutdownPolicy;
import java.util.Objects;

/**
 * How a fleet boots and stops. Immutable; {@code with*} returns a copy.
 *
 * @param concurrency    how many boots run at once; 0 means all members at once (the default: a
 *                       boot waits on QEMU, not on the engine, so the engine need not hold back)
 * @param policy         what a failed boot means for the others
 * @param shutdownPolicy how {@link Fleet#shutdown()} stops each VM (a failed or cancelled boot
 *                       kills the VMs already up instead: they were never handed out)
 */
public record FleetOptions(int concurrency, FleetPolicy policy, ShutdownPolicy shutdownPolicy) {

    /**
     * Validates the components.
     *
     * @param concurrency how many boots run at once; 0 means all members at once (the default: a boot waits
     *        on QEMU, not on the engine, so the engine need not hold back)
     * @param policy what a failed boot means for the others
     * @param shutdownPolicy how {@link Fleet#shutdown()} stops each VM (a failed or cancelled boot kills the
     *        VMs already up instead: they were never handed out)
     * @throws NullPointerException if {@code policy} or {@code shutdownPolicy} is null
     * @throws IllegalArgumentException if {@code concurrency} is negative
     */
    public FleetOptions {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(shutdownPolicy, "shutdownPolicy");
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency " + concurrency + " is negative (0 means all at once)");
        }
    }

    /**
     * All at once, all-or-nothing, the default shutdown ladder.
     *
     * @return the default options
     */
    public static FleetOptions defaults() {
        return new FleetOptions(0, FleetPolicy.ALL_OR_NOTHING, ShutdownPolicy.defaults());
    }

    /**
     * A copy with another concurrency.
     *
     * @param n how many boots run at once; 0: all members at once
     * @return the copy
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public FleetOptions withConcurrency(int n) {
        return new FleetOptions(n, policy, shutdownPolicy);
    }

    /**
     * A copy with another failure policy.
     *
     * @param p what a failed boot means for the others
     * @return the copy
     */
    public FleetOptions withPolicy(FleetPolicy p) {
        return new FleetOptions(concurrency, p, shutdownPolicy);
    }

    /**
     * A copy with another shutdown policy.
     *
     * @param p how {@link Fleet#shutdown()} stops each VM
     * @return the copy
     */
    public FleetOptions withShutdownPolicy(ShutdownPolicy p) {
        return new FleetOptions(concurrency, policy, p);
    }

    /**
     * The concurrency for {@code members} members: {@link #concurrency()}, or all of them when it is 0.
     *
     * @param members the number of members in the fleet
     * @return how many boots run at once, at least 1
     */
    public int concurrencyFor(int members) {
        return concurrency == 0 ? Math.max(1, members) : concurrency;
    }
}
