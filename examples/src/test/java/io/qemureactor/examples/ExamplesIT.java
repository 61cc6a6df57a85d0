package io.qemureactor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs each example's {@code main()} in this JVM against the test guest under TCG and checks that it
 * completes, printed what it is for, and left no QEMU process behind. No duration is asserted: a boot
 * takes seconds to tens of seconds on a busy 2-core machine.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ExamplesIT {

    private Set<Long> qemuBefore;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    @BeforeEach
    void snapshot() {
        qemuBefore = qemuDescendants();
        System.setOut(new PrintStream(new TeeStream(originalOut, captured), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        // a failed test must not leave its QEMUs to the next one
        ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("qemu-system") && !qemuBefore.contains(p.pid()))
                .forEach(Fixtures::killAndWait);
    }

    private static Set<Long> qemuDescendants() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("qemu-system"))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private String output() {
        System.out.flush();
        return captured.toString(StandardCharsets.UTF_8);
    }

    private void assertNoQemuLeft() {
        assertThat(Fixtures.await(Duration.ofSeconds(10), () -> {
            Set<Long> now = qemuDescendants();
            now.removeAll(qemuBefore);
            return now.isEmpty();
        })).as("no QEMU left running (before: %s, now: %s)", qemuBefore, qemuDescendants()).isTrue();
    }

    @Test
    void bootPinExecPinsRunsUnameAndStopsTheVm() {
        BootPinExec.main(new String[0]);

        assertThat(output()).containsPattern("vm1 pinned: \\[PinnedVcpu\\[thread=VcpuThread\\[index=0, threadId=\\d+\\], "
                        + "hostCpu=\\d+, allowedCpus=\\[\\d+\\]\\]")
                .containsPattern("guest kernel: 6\\.");
        assertNoQemuLeft();
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void datapathChainCountsEveryPacketThroughRealTestpmd() {
        DatapathChain.main(new String[] {"1"});

        String out = output();
        assertThat(out).contains("sent 1000, received 1000, lost 0")
                .containsPattern("chain-vm1 \\(pid \\d+\\): in 1000, out 1000");
        assertNoQemuLeft();
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().command().orElse("").contains("dpdk-testpmd"))).isEmpty();
    }

    @Test
    void fleetExecRunsUnameInEveryGuest() {
        FleetExec.main(new String[] {"2"});

        String out = output();
        assertThat(out).containsPattern("vm1 \\(pid \\d+, up in \\d+ ms\\): uname -r -> 6\\.")
                .containsPattern("vm2 \\(pid \\d+, up in \\d+ ms\\): uname -r -> 6\\.")
                .contains("fleet of 2 shut down");
        assertNoQemuLeft();
    }

    @Test
    void kernelVmFleetBootsEachVmWithTheInitScriptInItsOwnRunFolder() {
        KernelVmFleet.main(new String[] {"2"});

        String out = output();
        assertThat(out).containsPattern("vm1 \\(pid \\d+, ready in \\d+ ms\\): nf forwarding, init=/\\S+/vm1-[0-9a-f]{6}/init\\.sh")
                .containsPattern("vm2 \\(pid \\d+, ready in \\d+ ms\\): nf forwarding, init=/\\S+/vm2-[0-9a-f]{6}/init\\.sh")
                .contains("fleet of 2 kernel VMs shut down");
        assertNoQemuLeft();
    }

    @Test
    void fleetEventsShowsStopAndResumeOfEveryVm() {
        FleetEvents.main(new String[] {"2"});

        String out = output();
        for (String vm : new String[] {"vm1", "vm2"}) {
            assertThat(out).contains("fleet: READY " + vm, "qmp:   " + vm + " STOP", "qmp:   " + vm + " RESUME",
                    "fleet: STOPPED " + vm);
        }
        assertNoQemuLeft();
    }

    @Test
    void kernelVmFunctionExamplePrintsTheVppFilesAndBootsTheCommand() {
        KernelVmFunctionExample.main(new String[0]);

        String out = output();
        assertThat(out).contains("--- vpp-startup.conf", "--- vpp-running.exec", "--- init.sh", "l2 xconnect")
                .containsPattern("--- vm2 ready in \\d+ ms \\(pid \\d+\\), console: nf forwarding on 6\\.")
                .contains("--- vm2 stopped");
        assertNoQemuLeft();
    }

    /** Writes to two streams: the console (so a run shows progress) and the buffer the test reads. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
