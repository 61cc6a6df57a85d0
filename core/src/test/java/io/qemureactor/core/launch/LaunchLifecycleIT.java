package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.ForwardingHost;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Launches are cold and their teardown can be awaited: a retried launch is a new launch in a new folder,
 * a cancelled one is over when {@link QemuLauncher#settled()} completes, and a fleet's
 * {@link Fleet#disposeLater()} completes only once its QEMUs are reaped.
 */
class LaunchLifecycleIT {

    private static final Duration BOOT = Duration.ofSeconds(150);

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private final GuestKit kit = local.kit();
    private RunningVm vm;

    private VmSpec spec(int id) {
        return local.guest(id, Flavour.DEFAULT).build();
    }

    @Test
    void retryOfALaunchThatFailsTwiceGivesOneVmAndLeavesNoFolder() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        BootProbe flaky = flakyProbe(attempts, 2);

        vm = local.keep(local.launcher().start(LocalHost.instance(), spec(1), flaky).retry(2).block(BOOT));

        assertThat(attempts).hasValue(3);
        assertThat(folders()).as("run folders: only the VM's").containsExactly(Path.of(vm.runFolder()).getFileName().toString());
        assertThat(ProcessHandle.of(vm.pid()).map(ProcessHandle::isAlive)).contains(true);
        String folder = vm.runFolder();
        long pid = vm.pid();

        vm.kill().block(Duration.ofSeconds(60));
        vm = null;

        // kill() completes only once QEMU is reaped and its folder removed: no polling here
        assertThat(Path.of("/proc/" + pid)).doesNotExist();
        assertThat(Path.of(folder)).doesNotExist();
        assertThat(LocalHost.instance().reaper().size()).as("reaper entries").isZero();
    }

    @Test
    void aCancelledLaunchIsOverWhenTheLauncherHasSettled() throws Exception {
        // a probe that never says ready: the launch is cancelled with QEMU running
        Disposable launch = local.launcher().start(LocalHost.instance(), spec(2), flakyProbe(new AtomicInteger(), 0)
                .withTimeout(BOOT)).subscribe();
        assertThat(Fixtures.await(BOOT, () -> qemuInRunBase().isPresent())).as("QEMU started").isTrue();
        long pid = qemuInRunBase().orElseThrow();

        launch.dispose();
        local.launcher().settled().block(Duration.ofSeconds(60));

        assertThat(Path.of("/proc/" + pid)).as("QEMU reaped").doesNotExist();
        assertThat(folders()).as("run folders").isEmpty();
    }

    @Test
    void aLaunchCancelledWhileItsFolderIsBeingMadeLeavesNoFolder() throws Exception {
        // the folder exists at once, but the host reports it made only later: a cancel falls in between
        Sinks.Empty<Void> reported = Sinks.empty();
        Host slowToSay = new ForwardingHost(LocalHost.instance()) {
            @Override
            public Mono<Void> createPrivateFolder(String path) {
                return delegate().createPrivateFolder(path).then(reported.asMono());
            }
        };
        Disposable launch = local.launcher().start(slowToSay, spec(5), BootProbe.qmpStatus("running")).subscribe();
        assertThat(Fixtures.await(Duration.ofSeconds(30), () -> local.runBase().toFile().list().length > 0)).as("folder made").isTrue();

        launch.dispose();
        reported.tryEmitEmpty();
        local.launcher().settled().block(Duration.ofSeconds(60));

        assertThat(folders()).as("run folders").isEmpty();
        assertThat(qemuPids()).as("QEMUs").isEmpty();
    }

    @Test
    void fleetDisposeLaterCompletesOnlyOnceEveryQemuIsReaped() throws Exception {
        Fleet fleet = Fleet.boot(local.launcher(), List.of(FleetMember.of(spec(3), BootProbe.qmpStatus("running")),
                FleetMember.of(spec(4), flakyProbe(new AtomicInteger(), 0).withTimeout(BOOT))), FleetOptions.defaults());
        Disposable boot = fleet.ready().subscribe(r -> { }, e -> { });
        // one VM up, the other booting forever: dispose has a VM to kill and a launch to cancel
        assertThat(Fixtures.await(BOOT, () -> qemuPids().size() == 2)).as("both QEMUs started").isTrue();
        Set<Long> pids = qemuPids();

        fleet.disposeLater().block(Duration.ofSeconds(120));

        for (long pid : pids) {
            assertThat(Path.of("/proc/" + pid)).as("QEMU %d reaped", pid).doesNotExist();
        }
        assertThat(folders()).as("run folders").isEmpty();
        boot.dispose();
    }

    /** A probe whose first {@code failures} awaits fail; after that it waits for QMP status running, or forever with 0. */
    private static BootProbe flakyProbe(AtomicInteger attempts, int failures) {
        return new BootProbe() {
            @Override
            public Mono<Void> await(BootContext context) {
                int n = attempts.incrementAndGet();
                if (failures == 0) {
                    return Mono.never();
                }
                return n <= failures ? Mono.error(new IllegalStateException("injected failure " + n))
                        : BootProbe.qmpStatus("running").await(context);
            }

            @Override
            public Duration timeout() {
                return BOOT;
            }

            @Override
            public String describe() {
                return "flaky";
            }
        };
    }

    private Set<String> folders() throws Exception {
        try (var list = Files.list(local.runBase())) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** QEMUs of this test: started by this JVM, their argv naming this test's run base. */
    private Set<Long> qemuPids() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(local.runBase().toString()))
                        .orElse(false))
                .map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private java.util.Optional<Long> qemuInRunBase() {
        return qemuPids().stream().findFirst();
    }
}
