package io.qemureactor.core.fleet;

import io.qemureactor.core.spec.HugepageSize;
import io.qemureactor.core.spec.MacAddress;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.NicAssignment;
import io.qemureactor.core.spec.VmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The book of what VMs on one host hold, so that VMs booted together (or by several fleets that
 * share the ledger) never collide: disjoint CPU sets for pinning, a hugepage budget per page size,
 * unique VM ids (a MAC octet), unique MACs, unique ssh forward ports, unique names (a name picks
 * the VM's run folder and its QEMU {@code -name}), unique vhost-user sockets (switch ports), and a maximum
 * number of VMs.
 *
 * <p>A reservation is all or nothing: when any resource is short, nothing is taken and the
 * {@link ResourceUnavailableException} lists every short resource with who holds it. Thread-safe:
 * every method holds the ledger's lock, and none of them does I/O.
 */
public final class ResourceLedger {

    private final String host;
    private final HostCapacity capacity;
    private final Map<String, Reservation> byName = new LinkedHashMap<>();

    /**
     * An empty ledger.
     *
     * @param host the host's name in the fleet, used in every message
     * @param capacity what the host offers
     */
    public ResourceLedger(String host, HostCapacity capacity) {
        this.host = Objects.requireNonNull(host, "host");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
    }

    /**
     * The host's name in the fleet, used in every message.
     *
     * @return the host name
     */
    public String host() {
        return host;
    }

    /**
     * What the host offers.
     *
     * @return the capacity
     */
    public HostCapacity capacity() {
        return capacity;
    }

    /**
     * Reserves what {@code spec} needs on this host, plus {@code pinCpus} CPUs of its own (the
     * lowest free ids; 0 for none). All or nothing; does no I/O.
     *
     * @param spec the VM: its name, id, MACs, ssh port, vhost-user sockets and hugepage memory are reserved
     * @param pinCpus how many CPUs of its own it gets
     * @return the reservation; give it back with {@link #release}
     * @throws ResourceUnavailableException naming every resource that is short
     * @throws IllegalArgumentException if {@code pinCpus} is negative
     */
    public synchronized Reservation reserve(VmSpec spec, int pinCpus) {
        Objects.requireNonNull(spec, "spec");
        if (pinCpus < 0) {
            throw new IllegalArgumentException("pinCpus " + pinCpus + " is negative");
        }
        String vm = spec.name();
        List<String> reasons = new ArrayList<>();

        if (byName.containsKey(vm)) {
            reasons.add("name " + vm + " is already reserved by another VM (the name picks its run folder)");
        }
        if (byName.size() >= capacity.maxVms()) {
            reasons.add(vm + " does not fit: " + byName.size() + " of at most " + capacity.maxVms()
                    + " VMs (maxVms) already reserved" + (byName.isEmpty() ? "" : " by " + holders(byName.values())));
        }
        holderOf(r -> r.vmId() == spec.id()).ifPresent(r -> reasons.add("vm id " + spec.id() + " of " + vm
                + " is already reserved by " + r.vmName() + " (the id is a MAC octet)"));

        List<MacAddress> macs = spec.nics().stream().map(NicAssignment::mac).toList();
        for (MacAddress mac : macs) {
            holderOf(r -> r.macs().contains(mac)).ifPresent(r -> reasons.add("MAC " + mac + " of " + vm
                    + " is already reserved by " + r.vmName()));
        }

        OptionalInt port = spec.userNetwork().map(u -> u.sshHostPort()).orElse(OptionalInt.empty());
        if (port.isPresent()) {
            int p = port.getAsInt();
            capacity.sshPorts().filter(range -> !range.contains(p)).ifPresent(range -> reasons.add("ssh forward port "
                    + p + " of " + vm + " is outside the host's ssh port range " + range));
            holderOf(r -> r.sshPort().equals(port)).ifPresent(r -> reasons.add("ssh forward port " + p + " of " + vm
                    + " is already reserved by " + r.vmName()));
        }

        // a switch's vhost-user port serves one VM: two VMs on one socket would both hang or fight over it
        List<java.nio.file.Path> sockets = spec.vhostUserNics().stream().map(n -> n.socket().normalize()).toList();
        for (java.nio.file.Path socket : sockets) {
            holderOf(r -> r.vhostSockets().contains(socket)).ifPresent(r -> reasons.add("vhost-user socket " + socket
                    + " of " + vm + " is already reserved by " + r.vmName() + " (a switch port serves one VM)"));
        }

        CpuSet cpus = CpuSet.empty();
        if (pinCpus > 0) {
            CpuSet free = freeCpus();
            if (capacity.cpus().isEmpty()) {
                reasons.add(pinCpus + " CPUs asked for " + vm + ", but the host declares no CPUs for pinning (capacity 'cpus')");
            } else if (free.size() < pinCpus) {
                List<Reservation> pinned = byName.values().stream().filter(r -> !r.cpus().isEmpty()).toList();
                reasons.add(pinCpus + " CPUs asked for " + vm + ", " + free.size() + " free"
                        + (pinned.isEmpty() ? " (the host offers cpus " + capacity.cpus() + ")"
                        : " (cpus " + reservedCpus() + " reserved by " + holders(pinned) + ")"));
            } else {
                cpus = free.lowest(pinCpus);
            }
        }

        Optional<HugepageSize> pageSize = Optional.empty();
        long hugepageMib = 0;
        if (spec.memoryBackend() instanceof MemoryBackend.HugepageFile h) {
            pageSize = Optional.of(h.pageSize());
            hugepageMib = spec.memoryMib();
            Optional<Long> budget = capacity.hugepageBudget(h.pageSize());
            if (budget.isPresent()) {
                long reserved = reservedHugepageMib(h.pageSize());
                long free = budget.get() - reserved;
                if (free < hugepageMib) {
                    List<Reservation> users = byName.values().stream()
                            .filter(r -> r.hugepageSize().equals(Optional.of(h.pageSize()))).toList();
                    reasons.add(vm + " asks for " + hugepageMib + " MiB of " + h.pageSize() + " hugepages, " + free
                            + " MiB free of a budget of " + budget.get()
                            + (users.isEmpty() ? "" : " (" + reserved + " MiB reserved by " + holders(users) + ")"));
                }
            }
        }

        if (!reasons.isEmpty()) {
            throw new ResourceUnavailableException(host, vm, reasons);
        }
        Reservation r = new Reservation(host, vm, spec.id(), cpus, pageSize, hugepageMib, macs, port, sockets);
        byName.put(vm, r);
        return r;
    }

    /**
     * Gives back what {@code reservation} holds; false when it was not (or no longer) held here.
     *
     * @param reservation a reservation from {@link #reserve}
     * @return {@code true} if it was held here and is now released
     */
    public synchronized boolean release(Reservation reservation) {
        return byName.remove(reservation.vmName(), reservation);
    }

    /**
     * The CPUs for pinning that nobody holds.
     *
     * @return the free CPUs
     */
    public synchronized CpuSet freeCpus() {
        return capacity.cpus().minus(reservedCpus());
    }

    /**
     * How many VMs hold a reservation.
     *
     * @return the number of reservations
     */
    public synchronized int vmCount() {
        return byName.size();
    }

    /**
     * How many more VMs the host takes ({@link Integer#MAX_VALUE} minus the count when unlimited).
     *
     * @return the free VM slots, at least 0
     */
    public synchronized int freeVmSlots() {
        return Math.max(0, capacity.maxVms() - byName.size());
    }

    /**
     * Hugepage MiB of {@code size} still free, empty when the host does not track that size.
     *
     * @param size the page size
     * @return the free MiB (budget minus reserved), or empty if untracked
     */
    public synchronized Optional<Long> freeHugepageMib(HugepageSize size) {
        return capacity.hugepageBudget(size).map(b -> b - reservedHugepageMib(size));
    }

    /**
     * The reservations held, in the order they were made.
     *
     * @return a snapshot copy
     */
    public synchronized List<Reservation> reservations() {
        return List.copyOf(byName.values());
    }

    private CpuSet reservedCpus() {
        CpuSet all = CpuSet.empty();
        for (Reservation r : byName.values()) {
            all = all.union(r.cpus());
        }
        return all;
    }

    private long reservedHugepageMib(HugepageSize size) {
        return byName.values().stream().filter(r -> r.hugepageSize().equals(Optional.of(size)))
                .mapToLong(Reservation::hugepageMib).sum();
    }

    private Optional<Reservation> holderOf(java.util.function.Predicate<Reservation> holds) {
        return byName.values().stream().filter(holds).findFirst();
    }

    private static String holders(java.util.Collection<Reservation> rs) {
        return rs.stream().map(Reservation::vmName).collect(Collectors.joining(", "));
    }

    @Override
    public synchronized String toString() {
        return "ledger of " + host + ": " + byName.size() + " VMs, free cpus " + freeCpus();
    }
}
