package io.qemureactor.core.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.qemureactor.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSIT chain for real: dpdk-testpmd as generator and switch on the host, kernel VMs under TCG with
 * vhost-user NICs, the function in each guest, packets counted at both ends.
 */
class ChainIT {

    private static final Duration T = Duration.ofMinutes(10);

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path runBase;

    private QemuLauncher launcher() {
        return new QemuLauncher(LaunchOptions.defaults().withRunBase(runBase.toString()));
    }

    private ChainReport run(int vms, ChainFunction function, long packets) {
        ChainSpec spec = ChainSpec.of(vms, function).withAccelerator(Accelerator.TCG);
        return Chain.run(launcher(), LocalHost.instance(), GuestKit.locate(), spec, packets, Chain.DEFAULT_RATE).block(T);
    }

    private void assertNothingLeft() throws Exception {
        try (var left = Files.list(runBase)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void oneTestpmdVmForwardsEveryPacket() throws Exception {
        ChainReport r = run(1, ChainFunction.TESTPMD_IO, 1000);
        assertThat(r.sent()).isEqualTo(1000);
        assertThat(r.received()).isEqualTo(1000);
        assertThat(r.lost()).isZero();
        assertThat(r.vms()).singleElement().satisfies(vm -> {
            assertThat(vm.rxPackets()).isEqualTo(1000);
            assertThat(vm.txPackets()).isEqualTo(1000);
            assertThat(ProcessHandle.of(vm.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        });
        assertNothingLeft();
    }

    @Test
    void twoTestpmdVmsForwardEveryPacketThroughTheSwitch() throws Exception {
        ChainReport r = run(2, ChainFunction.TESTPMD_IO, 2000);
        assertThat(r.sent()).isEqualTo(2000);
        assertThat(r.received()).isEqualTo(2000);
        assertThat(r.vms()).extracting(ChainReport.Vm::rxPackets).containsExactly(2000L, 2000L);
        assertThat(r.vms()).extracting(ChainReport.Vm::txPackets).containsExactly(2000L, 2000L);
        // the switch carried VM 1's output to VM 2 (port 0 -> 1), and VM 2's into the discarding port (2 -> 3)
        assertThat(r.ports()).filteredOn(p -> p.switchName().equals("switch"))
                .extracting(ChainReport.Port::attachedTo)
                .containsExactly("chain-vm1 nic1", "chain-vm2 nic0", "chain-vm2 nic1", "discard");
        assertNothingLeft();
    }

    @Test
    void theGuestKernelBridgeForwardsToo() throws Exception {
        ChainReport r = run(1, ChainFunction.BRIDGE, 500);
        assertThat(r.sent()).isEqualTo(500);
        // every packet sent came through; the guest kernel now and then adds a frame or two of its own on its
        // interfaces (seen: 2), which the bridge forwards like any other and the switch port counts
        assertThat(r.received()).isBetween(500L, 510L);
        assertNothingLeft();
    }

    @Test
    void aSwitchKilledMidRunFailsTheRunAndLeavesNoProcess() throws Exception {
        ChainSpec spec = ChainSpec.of(1, ChainFunction.TESTPMD_IO).withAccelerator(Accelerator.TCG);
        Chain chain = Chain.start(launcher(), LocalHost.instance(), GuestKit.locate(), spec).block(T);
        List<Long> pids = new java.util.ArrayList<>(List.of(chain.generator().process().pid(), chain.fabric().process().pid()));
        chain.vms().forEach(vm -> pids.add(vm.pid()));
        try {
            // far more packets than will go before the switch dies
            CompletableFuture<ChainReport> run = chain.send(10_000_000, 1_000).toFuture();
            assertThat(Fixtures.await(T, () -> chain.generator().counters(0).block(T).txPackets() > 0)).isTrue();
            chain.fabric().process().kill().block(T);
            assertThatThrownBy(() -> run.get(T.toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(io.qemureactor.core.vswitch.SwitchException.class)
                    .hasMessageContaining("the chain broke: switch switch")
                    .hasMessageContaining("exited with status 137");
        } finally {
            chain.stop().block(T);
        }
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("pid %d", pid).isFalse());
        assertNothingLeft();
    }
}
