package io.qemureactor.core.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
}
