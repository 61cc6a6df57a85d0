package io.qemureactor.core.fleet;

import static io.qemureactor.core.fleet.ResourceLedgerTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.probe.BootProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

    private static FleetMember member(int id) {
        return FleetMember.of(spec(id).build(), BootProbe.qmpStatus("running"));
    }

    private static FleetHost host(String name, HostCapacity capacity) {
        return FleetHost.of(name, LocalHost.instance(), capacity);
    }

    @Test
    void placesEachMemberOnTheHostWithMostFreeCpus() {
        FleetHost small = host("small", HostCapacity.unlimited().withCpus(CpuSet.parse("0-1")));
        FleetHost big = host("big", HostCapacity.unlimited().withCpus(CpuSet.parse("0-5")));

        List<PlacedMember> placed = Placement.place(List.of(member(1).pinning(2), member(2).pinning(2),
                member(3).pinning(2), member(4).pinning(1)), List.of(small, big));

        // big (6 free) -> big (4) -> tie 2:2, the earlier host -> big has 2, small 0
        assertThat(placed).extracting(p -> p.host().name()).containsExactly("big", "big", "small", "big");
        assertThat(placed.get(2).reservation().cpus()).hasToString("0-1");
        assertThat(placed.get(3).reservation().cpus()).hasToString("4");
    }

    @Test
    void thenByFreeVmSlots() {
        FleetHost one = host("one", HostCapacity.unlimited().withMaxVms(1));
        FleetHost two = host("two", HostCapacity.unlimited().withMaxVms(2));

        List<PlacedMember> placed = Placement.place(List.of(member(1), member(2), member(3)), List.of(one, two));

        assertThat(placed).extracting(p -> p.host().name()).containsExactly("two", "one", "two");
    }

    @Test
    void aMemberThatNamesAHostGoesThere() {
        FleetHost a = host("a", HostCapacity.unlimited());
        FleetHost b = host("b", HostCapacity.unlimited().withCpus(CpuSet.parse("0-7")));

        List<PlacedMember> placed = Placement.place(List.of(member(1).on("a"), member(2)), List.of(a, b));

        assertThat(placed).extracting(p -> p.host().name()).containsExactly("a", "b");
    }

    @Test
    void aMemberRefusedByTheBestHostGoesToTheNext() {
        FleetHost a = host("a", HostCapacity.unlimited().withCpus(CpuSet.parse("0-3")).withMaxVms(1));
        FleetHost b = host("b", HostCapacity.unlimited().withCpus(CpuSet.parse("0-1")));
        a.ledger().reserve(spec(9).build(), 0); // a is full, though it has more free CPUs

        List<PlacedMember> placed = Placement.place(List.of(member(1).pinning(1)), List.of(a, b));

        assertThat(placed.get(0).host().name()).isEqualTo("b");
    }

    @Test
    void whenAMemberFitsNowhereNothingStaysReservedAndEveryMisfitIsNamed() {
        FleetHost a = host("a", HostCapacity.unlimited().withCpus(CpuSet.parse("0-1")));
        FleetHost b = host("b", HostCapacity.unlimited().withCpus(CpuSet.parse("0")));

        assertThatThrownBy(() -> Placement.place(List.of(member(1).pinning(2), member(2).pinning(2), member(3).pinning(1),
                member(4).pinning(5)), List.of(a, b)))
                .isInstanceOfSatisfying(FleetCapacityException.class, e -> {
                    assertThat(e.reasons()).hasSize(2);
                    // hosts tried most free first: b (1 free CPU), then a (0)
                    assertThat(e.reasons().get(0)).isEqualTo("vm2 fits on no host:"
                            + " host b: 2 CPUs asked for vm2, 1 free (the host offers cpus 0);"
                            + " host a: 2 CPUs asked for vm2, 0 free (cpus 0-1 reserved by vm1)");
                    assertThat(e.reasons().get(1)).startsWith("vm4 fits on no host:");
                    assertThat(e).hasMessageStartingWith("fleet does not fit, nothing was launched: vm2 fits on no host");
                });
        assertThat(a.ledger().vmCount()).isZero();
        assertThat(b.ledger().vmCount()).isZero();
    }

    @Test
    void refusesDuplicateNamesAndUnknownHosts() {
        FleetHost a = host("a", HostCapacity.unlimited());
        assertThatThrownBy(() -> Placement.place(List.of(member(1), member(1), member(2).on("dut9")), List.of(a)))
                .isInstanceOfSatisfying(FleetCapacityException.class, e -> assertThat(e.reasons()).containsExactly(
                        "members 0 and 1 are both named vm1 (names must be unique in a fleet)",
                        "vm2 asks for host dut9, which is not in the fleet (hosts: a)"));
        assertThat(a.ledger().vmCount()).isZero();
    }
}
