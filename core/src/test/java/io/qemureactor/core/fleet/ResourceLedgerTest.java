package io.qemureactor.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.HugepageSize;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VirtioNic;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResourceLedgerTest {

    static VmSpec.Builder spec(int id) {
        return VmSpec.builder().id(id).smp(1).memoryMib(256)
                .bootSource(BootSource.kernel(Path.of("/boot/vmlinuz"), Path.of("/boot/initrd.img"), ""));
    }

    private final ResourceLedger ledger = new ResourceLedger("localhost", HostCapacity.unlimited().withCpus(CpuSet.parse("0-3")));

    @Test
    void givesDisjointCpuSetsLowestFirst() {
        Reservation a = ledger.reserve(spec(1).build(), 2);
        Reservation b = ledger.reserve(spec(2).build(), 1);
        Reservation c = ledger.reserve(spec(3).build(), 0);

        assertThat(a.cpus()).hasToString("0-1");
        assertThat(b.cpus()).hasToString("2");
        assertThat(c.cpus().isEmpty()).isTrue();
        assertThat(a.cpus().intersects(b.cpus())).isFalse();
        assertThat(ledger.freeCpus()).hasToString("3");
        assertThat(ledger.vmCount()).isEqualTo(3);
    }

    @Test
    void tooFewCpusNamesTheHostTheVmAndWhoHoldsThem() {
        ResourceLedger two = new ResourceLedger("localhost", HostCapacity.unlimited().withCpus(CpuSet.parse("0-2")));
        two.reserve(spec(1).build(), 1);
        two.reserve(spec(2).build(), 1);

        assertThatThrownBy(() -> two.reserve(spec(4).build(), 3))
                .isInstanceOf(ResourceUnavailableException.class)
                .hasMessage("host localhost: 3 CPUs asked for vm4, 1 free (cpus 0-1 reserved by vm1, vm2)");
        assertThat(two.vmCount()).as("nothing taken").isEqualTo(2);
    }

    @Test
    void pinningOnAHostWithoutDeclaredCpusIsRefused() {
        ResourceLedger none = new ResourceLedger("dut1", HostCapacity.unlimited());
        assertThatThrownBy(() -> none.reserve(spec(1).build(), 1))
                .hasMessage("host dut1: 1 CPUs asked for vm1, but the host declares no CPUs for pinning (capacity 'cpus')");
        assertThat(none.reserve(spec(1).build(), 0).cpus().isEmpty()).isTrue();
    }

    @Test
    void keepsToTheHugepageBudgetPerPageSize() {
        ResourceLedger h = new ResourceLedger("dut1", HostCapacity.unlimited().withHugepageBudget(HugepageSize.SIZE_2M, 1024));
        MemoryBackend pages = MemoryBackend.hugepages(Path.of("/dev/hugepages"), HugepageSize.SIZE_2M);
        h.reserve(spec(1).memoryMib(512).memoryBackend(pages).build(), 0);
        h.reserve(spec(2).memoryMib(256).memoryBackend(pages).build(), 0);
        h.reserve(spec(3).memoryMib(4096).build(), 0); // plain memory: not hugepages

        assertThat(h.freeHugepageMib(HugepageSize.SIZE_2M)).hasValue(256L);
        assertThatThrownBy(() -> h.reserve(spec(4).memoryMib(512).memoryBackend(pages).build(), 0))
                .hasMessage("host dut1: vm4 asks for 512 MiB of 2M hugepages, 256 MiB free of a budget of 1024"
                        + " (768 MiB reserved by vm1, vm2)");
        // 1G pages are not tracked by this host: not limited
        h.reserve(spec(5).memoryMib(2048).memoryBackend(MemoryBackend.hugepages(Path.of("/dev/hugepages1G"),
                HugepageSize.SIZE_1G)).build(), 0);
    }

    @Test
    void aBudgetOfZeroRefusesThatPageSize() {
        ResourceLedger h = new ResourceLedger("dut1", HostCapacity.unlimited().withHugepageBudget(HugepageSize.SIZE_1G, 0));
        assertThatThrownBy(() -> h.reserve(spec(1).memoryMib(1024)
                .memoryBackend(MemoryBackend.hugepages(Path.of("/mnt/huge"), HugepageSize.SIZE_1G)).build(), 0))
                .hasMessageContaining("vm1 asks for 1024 MiB of 1G hugepages, 0 MiB free of a budget of 0");
    }

    @Test
    void refusesADuplicateIdAndItsMacsWithReasons() {
        ledger.reserve(spec(3).userNetwork(UserNetwork.noForward()).build(), 0);

        assertThatThrownBy(() -> ledger.reserve(spec(3).name("other").userNetwork(UserNetwork.noForward()).build(), 0))
                .hasMessageContaining("host localhost: vm id 3 of other is already reserved by vm3 (the id is a MAC octet)")
                .hasMessageContaining("MAC 52:54:00:00:03:ff of other is already reserved by vm3");
    }

    @Test
    void refusesADuplicateMacGivenExplicitly() {
        ledger.reserve(spec(1).addVirtioNic(VirtioNic.create().withMac("52:54:00:aa:bb:cc")).build(), 0);
        assertThatThrownBy(() -> ledger.reserve(spec(2).addVirtioNic(VirtioNic.create().withMac("52:54:00:aa:bb:cc")).build(), 0))
                .hasMessage("host localhost: MAC 52:54:00:aa:bb:cc of vm2 is already reserved by vm1");
    }

    @Test
    void refusesASwitchPortTakenByAnotherVmAndGivesItBack() {
        var port = io.qemureactor.core.spec.VhostUserNic.client(Path.of("/run/qr/switch-sw-1/vhost0.sock"));
        Reservation first = ledger.reserve(spec(1).addVhostUserNic(port).build(), 0);
        assertThat(first.vhostSockets()).containsExactly(Path.of("/run/qr/switch-sw-1/vhost0.sock"));
        assertThatThrownBy(() -> ledger.reserve(spec(2).addVhostUserNic(port).build(), 0))
                .hasMessage("host localhost: vhost-user socket /run/qr/switch-sw-1/vhost0.sock of vm2 is already reserved"
                        + " by vm1 (a switch port serves one VM)");
        ledger.release(first);
        ledger.reserve(spec(2).addVhostUserNic(port).build(), 0);
    }

    @Test
    void refusesADuplicateNameBecauseItPicksTheRunFolder() {
        ledger.reserve(spec(1).name("dut").build(), 0);
        assertThatThrownBy(() -> ledger.reserve(spec(2).name("dut").build(), 0))
                .hasMessage("host localhost: name dut is already reserved by another VM (the name picks its run folder)");
    }

    @Test
    void refusesADuplicateSshPortAndOneOutsideTheRange() {
        ResourceLedger p = new ResourceLedger("dut1", HostCapacity.unlimited().withSshPorts(PortRange.parse("10022-10030")));
        p.reserve(spec(1).userNetwork(UserNetwork.sshForward(10022)).build(), 0);

        assertThatThrownBy(() -> p.reserve(spec(2).userNetwork(UserNetwork.sshForward(10022)).build(), 0))
                .hasMessage("host dut1: ssh forward port 10022 of vm2 is already reserved by vm1");
        assertThatThrownBy(() -> p.reserve(spec(3).userNetwork(UserNetwork.sshForward(2222)).build(), 0))
                .hasMessage("host dut1: ssh forward port 2222 of vm3 is outside the host's ssh port range 10022-10030");
    }

    @Test
    void keepsToMaxVms() {
        ResourceLedger m = new ResourceLedger("dut1", HostCapacity.unlimited().withMaxVms(2));
        m.reserve(spec(1).build(), 0);
        m.reserve(spec(2).build(), 0);
        assertThat(m.freeVmSlots()).isZero();
        assertThatThrownBy(() -> m.reserve(spec(3).build(), 0))
                .hasMessage("host dut1: vm3 does not fit: 2 of at most 2 VMs (maxVms) already reserved by vm1, vm2");
    }

    @Test
    void listsEveryShortResourceAtOnce() {
        ResourceLedger m = new ResourceLedger("dut1", HostCapacity.unlimited().withMaxVms(1).withCpus(CpuSet.of(0)));
        m.reserve(spec(1).build(), 1);
        assertThatThrownBy(() -> m.reserve(spec(1).build(), 1))
                .isInstanceOfSatisfying(ResourceUnavailableException.class, e -> {
                    assertThat(e.host()).isEqualTo("dut1");
                    assertThat(e.vmName()).isEqualTo("vm1");
                    assertThat(e.reasons()).hasSize(4); // name, maxVms, id, CPUs
                });
    }

    @Test
    void releaseGivesEverythingBack() {
        Reservation a = ledger.reserve(spec(1).userNetwork(UserNetwork.sshForward(10021)).build(), 4);
        assertThat(ledger.freeCpus().isEmpty()).isTrue();

        assertThat(ledger.release(a)).isTrue();
        assertThat(ledger.release(a)).as("twice is harmless").isFalse();

        assertThat(ledger.freeCpus()).hasToString("0-3");
        Reservation again = ledger.reserve(spec(1).userNetwork(UserNetwork.sshForward(10021)).build(), 4);
        assertThat(again.cpus()).hasToString("0-3");
    }

    @Test
    void concurrentReservationsNeverShareACpu() throws Exception {
        ResourceLedger big = new ResourceLedger("big", HostCapacity.unlimited().withCpus(CpuSet.parse("0-63")));
        List<Reservation> got = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int id = 1; id <= 40; id++) {
                int vm = id;
                pool.submit(() -> {
                    go.await();
                    try {
                        got.add(big.reserve(spec(vm).build(), 2));
                    } catch (ResourceUnavailableException e) {
                        // 40 x 2 > 64: some must be refused
                    }
                    return null;
                });
            }
            go.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(got).hasSize(32);
        CpuSet union = CpuSet.empty();
        for (Reservation r : got) {
            assertThat(r.cpus().intersects(union)).isFalse();
            union = union.union(r.cpus());
        }
        assertThat(union).hasToString("0-63");
    }
}
