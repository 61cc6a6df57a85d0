package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 50 start/shutdown cycles: nothing the engine holds may grow with the number of VMs it has
 * started — processes, file descriptors, threads, run folders.
 */
class LaunchCyclesIT {

    private static final int CYCLES = 50;
    private static final int WARM_UP = 10;

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    @Test
    void fiftyCyclesLeaveNoProcessDescriptorOrThreadGrowth() throws Exception {
        GuestKit kit = local.kit();
        QemuLauncher launcher = local.launcher();
        VmSpec spec = local.guest(1, Flavour.DEFAULT).build();

        // the processes earlier test classes of this JVM left are theirs to answer for (scripts/test checks them)
        java.util.Set<Long> before = childPids();
        long fdsAfterWarmUp = 0;
        int threadsAfterWarmUp = 0;
        for (int i = 1; i <= CYCLES; i++) {
            RunningVm vm = launcher.start(LocalHost.instance(), spec, BootProbe.qmpStatus("running"))
                    .block(Duration.ofSeconds(60));
            vm.shutdown(ShutdownPolicy.withoutGuest()).block(Duration.ofSeconds(60));
            if (i == WARM_UP) {
                fdsAfterWarmUp = openDescriptors();
                threadsAfterWarmUp = ManagementFactory.getThreadMXBean().getThreadCount();
            }
        }
        long fds = openDescriptors();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();

        // the host's reaper stays for the JVM's life (and may be finishing an rm of the last entry)
        long reaper = LocalHost.instance().reaper().pid().orElse(-1);
        List<String> leftProcesses = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> !before.contains(p.pid()))
                .filter(p -> p.pid() != reaper && p.parent().map(ProcessHandle::pid).orElse(-1L) != reaper)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
                .toList();
        assertThat(leftProcesses).as("processes these cycles left (the host's reaper aside)").isEmpty();
        assertThat(LocalHost.instance().reaper().size()).as("reaper entries left").isZero();
        try (var left = Files.list(local.runBase())) {
            assertThat(left.filter(Files::isDirectory).toList()).as("run folders left").isEmpty();
        }
        // after warm-up (pools filled, classes loaded), 40 more VMs must not add descriptors or threads
        assertThat(fds - fdsAfterWarmUp).as("file descriptors grown over %d cycles (%d -> %d)", CYCLES - WARM_UP,
                fdsAfterWarmUp, fds).isLessThanOrEqualTo(4);
        assertThat(threads - threadsAfterWarmUp).as("threads grown over %d cycles (%d -> %d)", CYCLES - WARM_UP,
                threadsAfterWarmUp, threads).isLessThanOrEqualTo(4);
    }

    private static java.util.Set<Long> childPids() {
        return ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(java.util.stream.Collectors.toSet());
    }

    private static long openDescriptors() throws Exception {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
