/**
 * Fleets: boot many VMs at once, on one host or several, with bounded concurrency.
 *
 * <p>A {@link io.qemureactor.core.fleet.Fleet} first places every
 * {@link io.qemureactor.core.fleet.FleetMember} on a {@link io.qemureactor.core.fleet.FleetHost}
 * ({@link io.qemureactor.core.fleet.Placement}) and reserves what it needs in that host's
 * {@link io.qemureactor.core.fleet.ResourceLedger}: pinning CPUs, hugepages, the VM id, MACs,
 * the ssh forward port, the name (which names its run folder). Only when every member fits does
 * anything launch; then the boots run concurrently, reported as
 * {@link io.qemureactor.core.fleet.FleetEvent}s, and the outcome follows the
 * {@link io.qemureactor.core.fleet.FleetPolicy}. Hosts and their capacities can come from a
 * {@link io.qemureactor.core.fleet.Topology} file. See {@code docs/fleet.md}.
 */
package io.qemureactor.core.fleet;
