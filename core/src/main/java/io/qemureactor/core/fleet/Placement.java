package io.qemureactor.core.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Chooses a host for each member and reserves its resources there, for the whole fleet at once,
 * before anything is launched.
 *
 * <p>Members are placed in order. A member that names a host goes there or nowhere; any other goes
 * to the host with most free capacity — most free pinning CPUs, then most free VM slots, then the
 * earlier host in the list — and, if that host's ledger refuses it, to the next best. When some
 * member fits nowhere, everything reserved so far is given back and one
 * {@link FleetCapacityException} lists every member that did not fit, with each host's reason.
 */
public final class Placement {

    private static final Comparator<FleetHost> MOST_FREE_FIRST = Comparator
            .comparingInt((FleetHost h) -> h.ledger().freeCpus().size()).reversed()
            .thenComparing(Comparator.comparingInt((FleetHost h) -> h.ledger().freeVmSlots()).reversed());

    private Placement() {
    }

    /**
     * Places and reserves every member, in order, on the hosts' ledgers.
     *
     * @param members the fleet's members
     * @param hosts the fleet's hosts
     * @return one placed member per member, in member order, each holding its reservation
     * @throws FleetCapacityException when a member does not fit (nothing stays reserved)
     */
    public static List<PlacedMember> place(List<FleetMember> members, List<FleetHost> hosts) {
        if (hosts.isEmpty()) {
            throw new FleetCapacityException(List.of("the fleet has no hosts"));
        }
        List<String> reasons = new ArrayList<>(checkNames(members, hosts));
        if (!reasons.isEmpty()) {
            throw new FleetCapacityException(reasons);
        }
        Map<String, FleetHost> byName = hosts.stream()
                .collect(Collectors.toMap(FleetHost::name, h -> h, (a, b) -> a, LinkedHashMap::new));
        List<PlacedMember> placed = new ArrayList<>();
        for (FleetMember m : members) {
            List<FleetHost> candidates = m.host().map(h -> List.of(byName.get(h))).orElseGet(() -> {
                List<FleetHost> sorted = new ArrayList<>(hosts);
                sorted.sort(MOST_FREE_FIRST); // stable: ties keep the list's order
                return sorted;
            });
            List<String> refusals = new ArrayList<>();
            Optional<PlacedMember> done = Optional.empty();
            for (FleetHost h : candidates) {
                try {
                    done = Optional.of(new PlacedMember(m, h, h.ledger().reserve(m.spec(), m.pinCpus())));
                    break;
                } catch (ResourceUnavailableException e) {
                    refusals.add(e.getMessage());
                }
            }
            done.ifPresentOrElse(placed::add,
                    () -> reasons.add(m.name() + " fits on no host: " + String.join("; ", refusals)));
        }
        if (!reasons.isEmpty()) {
            placed.forEach(PlacedMember::release);
            throw new FleetCapacityException(reasons);
        }
        return List.copyOf(placed);
    }

    /** Member names must be unique in a fleet (events and results are keyed by them), and named hosts must exist. */
    private static List<String> checkNames(List<FleetMember> members, List<FleetHost> hosts) {
        List<String> reasons = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<String> hostNames = hosts.stream().map(FleetHost::name).toList();
        hostNames.stream().filter(n -> hostNames.indexOf(n) != hostNames.lastIndexOf(n)).distinct()
                .forEach(n -> reasons.add("two hosts are named " + n + " (host names must be unique in a fleet)"));
        for (int i = 0; i < members.size(); i++) {
            FleetMember m = members.get(i);
            Integer earlier = seen.putIfAbsent(m.name(), i);
            if (earlier != null) {
                reasons.add("members " + earlier + " and " + i + " are both named " + m.name()
                        + " (names must be unique in a fleet)");
            }
            m.host().filter(h -> !hostNames.contains(h)).ifPresent(h -> reasons.add(m.name() + " asks for host " + h
                    + ", which is not in the fleet (hosts: " + String.join(", ", hostNames) + ")"));
        }
        return reasons;
    }
}
