package io.qemureactor.core.vswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.host.CommandNotFoundException;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.testing.ForwardingHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/** The host vSwitch with the real {@code dpdk-testpmd} (Debian's dpdk-dev), no VM attached. */
class VSwitchIT {

    private static final Duration T = Duration.ofSeconds(120);

    @TempDir
    Path runBase;

    private VSwitch start(SwitchSpec spec) {
        return VSwitch.start(LocalHost.instance(), spec, runBase.toString()).block(T);
    }

    @Test
    void servesItsPortsCountsAndStopsLeavingNothing() {
        VSwitch sw = start(SwitchSpec.of("it", 2).withMode(SwitchMode.RXONLY));
        long pid = sw.process().pid();
        try {
            assertThat(sw.sockets()).hasSize(2).allSatisfy(s -> assertThat(s).exists());
            List<PortCounters> counters = sw.counters().block(T);
            assertThat(counters).extracting(PortCounters::port).containsExactly(0, 1);
            assertThat(counters).allSatisfy(c -> assertThat(c.rxPackets() + c.txPackets()).isZero());
            assertThat(sw.counters(1).block(T).port()).isEqualTo(1);
            assertThat(sw.linkUp(0).block(T)).isFalse(); // nobody connected
            sw.startForwarding().then(sw.stopForwarding()).block(T);
        } finally {
            sw.stop().block(T);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(sw.runFolder()).doesNotExist();
        sw.stop().block(T); // idempotent
    }

    @Test
    void burstsWithNoPeerAreCountedAsNotSent() {
        VSwitch sw = start(SwitchSpec.of("nopeer", 1).withMode(SwitchMode.RXONLY).withTopology(PortTopology.LOOP));
        try {
            sw.send(70, 100_000).block(T);
            PortCounters c = sw.counters(0).block(T);
            assertThat(c.txPackets()).isZero(); // no VM: the vhost port refuses every packet
        } finally {
            sw.stop().block(T);
        }
    }

    @Test
    void aKilledSwitchFailsItsCommandsAndStillStopsCleanly() {
        VSwitch sw = start(SwitchSpec.of("killed", 1));
        sw.process().kill().block(T);
        assertThat(sw.onExit().block(T)).isEqualTo(137);
        assertThatThrownBy(() -> sw.counters().block(T)).isInstanceOf(SwitchException.class).hasMessageContaining("exited");
        sw.stop().block(T);
        assertThat(sw.runFolder()).doesNotExist();
    }

    @Test
    void missingTestpmdIsOneLineNamingThePackage() {
        SwitchSpec spec = SwitchSpec.of("missing", 1).withBinary(Path.of("/usr/bin/dpdk-testpmd-missing"));
        assertThatThrownBy(() -> start(spec))
                .isInstanceOf(CommandNotFoundException.class)
                .hasMessage("dpdk-testpmd-missing not found on localhost: install it with: apt-get install dpdk-dev");
        assertThat(runBase).isEmptyDirectory();
    }

    @Test
    void aSwitchThatCannotStartSaysWhyAndLeavesNothing() throws Exception {
        // testpmd refuses lcores this machine does not have: it exits before its prompt
        SwitchSpec spec = SwitchSpec.of("badcores", 1).withLcores("0,1000");
        assertThatThrownBy(() -> start(spec))
                .isInstanceOf(SwitchException.class)
                .hasMessageContaining("did not start");
        try (var files = Files.list(runBase)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aCancelledStartIsOverWhenSettledCompletes() throws Exception {
        // fault injection: a "testpmd" that never prints its prompt (it reads its console until killed), so the
        // start is still waiting when it is cancelled
        Path silent = Files.writeString(runBase.resolve("silent-testpmd"), "#!/bin/sh\nwhile read -r line; do :; done\n");
        Files.setPosixFilePermissions(silent, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        SwitchSpec spec = SwitchSpec.of("cancelled", 1).withBinary(silent).withReadyTimeout(Duration.ofMinutes(10));
        reactor.core.Disposable starting = VSwitch.start(LocalHost.instance(), spec, runBase.toString()).subscribe();
        long[] pid = {0};
        assertThat(io.qemureactor.testing.Fixtures.await(T, () -> (pid[0] = switchProcess()) != 0)).as("the switch runs").isTrue();
        Path folder;
        try (var files = Files.list(runBase)) {
            folder = files.filter(f -> f.getFileName().toString().startsWith("switch-cancelled-")).findFirst().orElseThrow();
        }

        starting.dispose();
        VSwitch.settled().block(T);

        assertThat(Path.of("/proc/" + pid[0])).as("testpmd's /proc entry once settled").doesNotExist();
        assertThat(folder).as("its run folder once settled").doesNotExist();
    }

    @Test
    void aStartCancelledWhileItsFolderIsBeingMadeLeavesNoFolder() throws Exception {
        // a host that has the request and makes the folder only after the cancel (as an SSH host whose shell
        // got the request does): the cancel cannot stop it, so the cleanup must wait for it
        java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        Host slow = new ForwardingHost(LocalHost.instance()) {
            @Override
            public Mono<Void> createPrivateFolder(String path) {
                return Mono.create(sink -> {
                    asked.countDown();
                    Thread maker = new Thread(() -> {
                        try {
                            cancelled.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        delegate().createPrivateFolder(path).subscribe(v -> { }, sink::error, sink::success);
                    });
                    maker.start();
                });
            }
        };
        reactor.core.Disposable starting = VSwitch.start(slow, SwitchSpec.of("halfmade", 1), runBase.toString()).subscribe();
        assertThat(asked.await(T.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("folder asked for").isTrue();

        starting.dispose();
        cancelled.countDown();
        VSwitch.settled().block(T);

        try (var files = Files.list(runBase)) {
            assertThat(files.toList()).as("run folders once settled").isEmpty();
        }
        assertThat(switchProcess()).as("no testpmd started").isZero();
    }

    /** The pid of the process whose argv names this test's run base (the switch), 0 if none. */
    private long switchProcess() {
        return ProcessHandle.current().descendants()
                .filter(p -> cmdline(p.pid()).contains(runBase.toString() + "/switch-"))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(0);
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
