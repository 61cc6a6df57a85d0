package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The launch pipeline on this machine: the test guest under TCG, from spec to ready to gone. */
class QemuLauncherIT {

    private static final Duration BOOT = Duration.ofSeconds(150);

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private final GuestKit kit = local.kit();
    private RunningVm vm;

    private VmSpec.Builder guest(int id, Flavour flavour) {
        return local.guest(id, flavour);
    }

    @Test
    void bootsWithTheSerialProbeAndShutsDownLeavingNothing() {
        vm = local.keep(local.launcher().start(LocalHost.instance(), guest(1, Flavour.DEFAULT).build(), kit.readyProbe()).block(BOOT));

        assertThat(vm.accelerator()).isEqualTo(Accelerator.TCG);
        assertThat(ProcessHandle.of(vm.pid())).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
        Path folder = Path.of(vm.runFolder());
        assertThat(folder.getParent()).isEqualTo(local.runBase());
        assertThat(permissions(folder)).isEqualTo("rwx------");
        assertThat(vm.serial().filter(l -> l.contains(kit.marker())).blockFirst(Duration.ofSeconds(5))).isNotNull();
        assertThat(vm.bootTime()).isPositive();
        assertThat(vm.qemuVersion()).isEqualTo(io.qemureactor.core.QemuBinary.local().version().block(Duration.ofSeconds(30)));

        long pid = vm.pid();
        vm.shutdown().block(Duration.ofSeconds(90));
        vm = null;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(folder).doesNotExist();
    }

    @Test
    void autoChoosesKvmOnlyWhereTheProbeGuestRunsUnderIt() {
        KvmVerdict verdict = new KvmProbe().verdict(LocalHost.instance(), "qemu-system-x86_64", "host", local.runBase().toString())
                .block(Duration.ofSeconds(30));
        vm = local.keep(local.launcher().start(LocalHost.instance(), kit.spec(11, Flavour.DEFAULT).build(), kit.readyProbe()).block(BOOT));
        assertThat(vm.accelerator()).isEqualTo(verdict.usable() ? Accelerator.KVM : Accelerator.TCG);
        assertThat(vm.argv()).contains("pc,accel=" + vm.accelerator().qemuName() + ",usb=off,mem-merge=off");
    }

    @Test
    void bootsWithTheAgentProbeAndTheAgentAnswers() {
        vm = local.keep(local.launcher().start(LocalHost.instance(), guest(2, Flavour.DEFAULT).build(), BootProbe.qga()).block(BOOT));
        var info = vm.qga().flatMap(a -> a.info()).block(Duration.ofSeconds(30));
        assertThat(info).isNotNull();
        var hi = vm.qga().flatMap(a -> a.exec("/bin/echo", "hi")).block(Duration.ofSeconds(30));
        assertThat(hi.exitCode()).isZero();
        assertThat(hi.stdout()).isEqualTo("hi\n");
    }

    @Test
    void pinsTwoVcpusAndReadsTheAffinityBack() throws Exception {
        vm = local.keep(local.launcher().start(LocalHost.instance(), guest(3, Flavour.DEFAULT).smp(2).build(), BootProbe.qmpStatus("running"))
                .block(BOOT));
        int last = Runtime.getRuntime().availableProcessors() - 1;
        var threads = vm.pin(last, 0).block(Duration.ofSeconds(30));

        assertThat(threads).hasSize(2);
        for (var t : threads) {
            String status = Files.readString(Path.of("/proc/" + vm.pid() + "/task/" + t.threadId() + "/status"));
            int expected = t.index() == 0 ? last : 0;
            assertThat(status).contains("Cpus_allowed_list:\t" + expected + "\n");
            assertThat(t.hostCpu()).isEqualTo(expected);
            assertThat(t.allowedCpus()).as("the affinity pin() read back").containsExactly(expected);
        }
    }

    @Test
    void pinningToACpuTheHostLacksNamesItAndTheHostsCpus() {
        vm = local.keep(local.launcher().start(LocalHost.instance(), guest(15, Flavour.DEFAULT).build(), BootProbe.qmpStatus("running"))
                .block(BOOT));
        int missing = Runtime.getRuntime().availableProcessors() + 7;

        assertThatThrownBy(() -> vm.pin(0, missing).block(Duration.ofSeconds(30)))
                .isInstanceOf(io.qemureactor.core.vm.VmOperationException.class)
                .hasMessageStartingWith(vm.name() + ": cannot pin to host CPU " + missing + ": localhost has CPUs ")
                .hasMessageEndingWith(" online (/sys/devices/system/cpu/online)");
    }

    @Test
    void setsTheVcpuThreadsToSchedRr() throws Exception {
        vm = local.keep(local.launcher().start(LocalHost.instance(), guest(4, Flavour.DEFAULT).build(), BootProbe.qmpStatus("running"))
                .block(BOOT));
        // paused, so a real-time TCG thread cannot starve this 2-core machine while we look
        vm.qmp().execute(io.qemureactor.qmp.QmpCommands.stop()).block(Duration.ofSeconds(10));
        vm.setRealtime().block(Duration.ofSeconds(30));
        for (var t : vm.vcpuThreads().block(Duration.ofSeconds(10))) {
            String stat = Files.readString(Path.of("/proc/" + vm.pid() + "/task/" + t.threadId() + "/stat"));
            // field 41 of /proc/TID/stat is the policy: 2 = SCHED_RR; field 40 the rt priority
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            assertThat(fields[41 - 3]).isEqualTo("2");
            assertThat(fields[40 - 3]).isEqualTo("1");
        }
    }

    @Test
    void mapsTwoVirtioNicsToGuestNamesByMac() {
        VmSpec spec = guest(5, Flavour.DEFAULT)
                .userNetwork(io.qemureactor.core.spec.UserNetwork.noForward())
                .addVirtioNic(io.qemureactor.core.spec.VirtioNic.create())
                .build();
        vm = local.keep(local.launcher().start(LocalHost.instance(), spec, BootProbe.qga()).block(BOOT));

        var nics = vm.guestInterfaces().block(Duration.ofSeconds(30));

        assertThat(nics).hasSize(2);
        assertThat(nics).extracting(n -> n.mac())
                .containsExactlyInAnyOrderElementsOf(spec.nics().stream().map(n -> n.mac().toString()).toList());
        assertThat(nics).extracting(n -> n.guestName()).allMatch(name -> name.startsWith("eth"));
    }

    @Test
    void qemuKilledDuringBootFailsFastWithItsExitStatus() {
        var pending = local.launcher().start(LocalHost.instance(), guest(6, Flavour.DEFAULT).build(),
                BootProbe.serialMarker("never printed by anyone")).toFuture();
        Path folder = local.awaitRunFolder();
        long pid = LaunchFixture.qemuPid(folder);
        long killed = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

        assertThatThrownBy(() -> pending.get(30, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(VmLaunchException.class)
                .cause()
                .hasMessageContaining("vm6 on localhost failed to boot")
                .hasMessageContaining("137")
                .satisfies(e -> assertThat(((VmLaunchException) e).exitStatus()).hasValue(137));
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(20));
        assertThat(folder).doesNotExist();
    }

    @Test
    void cancellingDuringBootLeavesNoProcessAndNoFolder() {
        var subscription = local.launcher().start(LocalHost.instance(), guest(7, Flavour.DEFAULT).build(),
                BootProbe.serialMarker("never printed by anyone")).subscribe();
        Path folder = local.awaitRunFolder();
        long pid = LaunchFixture.qemuPid(folder);

        subscription.dispose();

        assertThat(Fixtures.await(Duration.ofSeconds(30),
                () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !Files.exists(folder)))
                .as("QEMU %d gone and %s removed", pid, folder).isTrue();
    }

    @Test
    void aMissingBinaryFailsBeforeLaunchNamingIt() {
        QemuLauncher broken = new QemuLauncher(local.options()
                .withQemuBinary("qemu-system-x86_64-not-installed"));
        assertThatThrownBy(() -> broken.start(LocalHost.instance(), guest(8, Flavour.DEFAULT).build(), kit.readyProbe()).block(BOOT))
                .hasMessage("qemu-system-x86_64-not-installed not found on localhost: install it or put it on the PATH");
        assertThat(local.runBase()).isEmptyDirectory();
    }

    @Test
    void aBadImagePathFailsBeforeLaunchNamingTheField() {
        VmSpec spec = guest(9, Flavour.DEFAULT)
                .bootSource(io.qemureactor.core.spec.BootSource.diskImage(Path.of("/nonexistent/disk.img")))
                .build();
        assertThatThrownBy(() -> local.launcher().start(LocalHost.instance(), spec, kit.readyProbe()).block(BOOT))
                .isInstanceOf(LaunchPrerequisiteException.class)
                .hasMessage("vm9: bootSource.disk /nonexistent/disk.img does not exist or is not readable on localhost");
        assertThat(local.runBase()).isEmptyDirectory();
    }

    @Test
    void aTooLongSocketPathFailsBeforeLaunch() throws Exception {
        Path deep = Files.createDirectories(local.runBase().resolve("x".repeat(60)).resolve("y".repeat(40)));
        QemuLauncher deepLauncher = new QemuLauncher(LaunchOptions.defaults().withRunBase(deep.toString()));
        assertThatThrownBy(() -> deepLauncher.start(LocalHost.instance(), guest(10, Flavour.DEFAULT).build(), kit.readyProbe()).block(BOOT))
                .hasMessageContaining("bytes")
                .hasMessageContaining("--run-dir");
        try (var files = Files.list(deep)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
