package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kernel VMs that run a network function, on this machine under TCG: the test guest kit's kernel and
 * initrd, the host's {@code /} as the 9p root, the function's generated init script as init.
 */
class KernelVmIT {

    /** Generous: a 9p kernel boot is ~6-8 s unloaded, much more on the shared 2-core machine. */
    private static final Duration PROBE = Duration.ofSeconds(150);
    private static final Duration BLOCK = Duration.ofSeconds(200);

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private final GuestKit kit = local.kit();
    private RunningVm vm;

    private VmSpec.Builder base(int id) {
        return local.guest(id, Flavour.KERNEL);
    }

    @Test
    void aCommandThatKeepsRunningIsReadyAndItsFilesGoWithTheVm() throws Exception {
        // printf assembles the line, so the init script's "starting ..." line (which quotes argv) cannot match
        KernelVmFunction fn = KernelVmFunction.command("/bin/sh", "-c", "printf 'Press enter %s\\n' 'to exit'; exec sleep 3600")
                .withReadiness(ReadinessRule.lineContaining("Press enter to exit"));

        vm = local.keep(KernelVm.of(fn).withProbeTimeout(PROBE).start(local.launcher(), LocalHost.instance(), base(21)).block(BLOCK));

        Path run = Path.of(vm.runFolder());
        assertThat(run.getParent()).isEqualTo(local.runBase());
        assertThat(vm.argv()).anyMatch(a -> a.contains("rootfstype=9p") && a.endsWith("init=" + run.resolve("init.sh")));
        assertThat(vm.argv()).noneMatch(a -> a.contains("hugepages="));
        assertThat(vm.serial().filter(l -> l.strip().equals("Press enter to exit")).blockFirst(Duration.ofSeconds(10)))
                .isNotNull();
        List<GeneratedFile> expected = fn.files(run);
        assertThat(expected).extracting(f -> f.relativePath().toString()).containsExactly("init.sh");
        for (GeneratedFile f : expected) {
            Path written = f.in(run);
            assertThat(Files.readString(written)).isEqualTo(f.content());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).isEqualTo("rwxr-xr-x");
        }
        assertThat(ProcessHandle.of(vm.pid()).map(ProcessHandle::isAlive)).hasValue(true);

        long pid = vm.pid();
        // the init script runs the function, not an ACPI watcher: no guest step
        vm.shutdown(ShutdownPolicy.withoutGuest()).block(Duration.ofSeconds(60));
        vm = null;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(run).doesNotExist();
    }

    @Test
    void aFunctionThatExitsFailsTheBootAtOnceWithTheConsoleTail() throws Exception {
        KernelVmFunction fn = KernelVmFunction.command("/bin/sh", "-c", "echo nf-output-$((6 * 7)); exit 3")
                .withReadiness(ReadinessRule.lineContaining("Press enter to exit"));
        long started = System.nanoTime();
        AtomicLong failedAt = new AtomicLong();
        CompletableFuture<RunningVm> pending = KernelVm.of(fn).withProbeTimeout(PROBE)
                .start(local.launcher(), LocalHost.instance(), base(22))
                .doOnError(e -> failedAt.set(System.nanoTime()))
                .toFuture();
        Path run = local.awaitRunFolder();
        long pid = LaunchFixture.qemuPid(run);
        // the moment QEMU's console log shows the kernel's power-off line, polled every few ms
        AtomicLong poweredOffAt = new AtomicLong();
        Thread watcher = watchFor(run.resolve("console.log"), ReadinessRule.POWER_DOWN, poweredOffAt, pending);

        assertThatThrownBy(() -> pending.get(BLOCK.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(VmLaunchException.class);
        watcher.join(5_000);
        Throwable thrown = pending.handle((v, t) -> t).get();
        VmLaunchException e = (VmLaunchException) (thrown instanceof CompletionException ? thrown.getCause() : thrown);
        String message = e.getMessage();
        assertThat(message).doesNotContain("\n").contains("vm22 on localhost failed to boot");
        assertThat(e.consoleTail()).anyMatch(l -> l.contains("nf-output-42"));
        assertThat(e.consoleTail()).anyMatch(l -> l.contains("command exited with status 3, powering off"));
        assertThat(e.consoleTail()).anyMatch(l -> l.contains(ReadinessRule.POWER_DOWN));

        Duration total = Duration.ofNanos(failedAt.get() - started);
        assertThat(total).isLessThan(PROBE); // failed on the power-off, not on the probe's timeout
        if (poweredOffAt.get() == 0) {
            // the launcher failed and removed the folder between two 2 ms polls of console.log
            System.out.printf("KernelVmIT: power-off -> boot failure: faster than the console.log poll (boot attempt %d ms): %s%n",
                    total.toMillis(), message);
        } else {
            Duration afterPowerOff = Duration.ofNanos(failedAt.get() - poweredOffAt.get());
            System.out.printf("KernelVmIT: power-off -> boot failure %d ms (boot attempt %d ms): %s%n",
                    afterPowerOff.toMillis(), total.toMillis(), message);
            assertThat(afterPowerOff).isLessThan(Duration.ofSeconds(30));
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(run).doesNotExist();
    }

    @Test
    void aMissingTemplateParameterFailsBeforeAnythingIsLaunched() {
        VppRunningConfig running = VppRunningConfig.shipped(VppRunningConfig.L2XC).with("if1", "GigabitEthernet0/6/0");

        assertThatThrownBy(() -> KernelVm.start(local.launcher(), LocalHost.instance(), base(23).memoryMib(768),
                        KernelVmFunction.vpp(2, 1, false, running, "vpp v23.10-release")).block(BLOCK))
                .isInstanceOf(TemplateParameterException.class)
                .hasMessage("template vpp_chain_l2xc.exec: missing parameter if2");
        assertThat(local.runBase()).isEmptyDirectory();
        assertThat(qemusUnder(local.runBase())).isEmpty();
    }

    @Test
    void aSpecThatCannotRunTheFunctionFailsBeforeAnythingIsLaunched() {
        KernelVmFunction vpp = KernelVmFunction.vpp(2, 1, false, VppRunningConfig.l2CrossConnect(), "vpp v23.10-release");

        // the seed's 256 huge pages do not fit in the kit's 256 MiB
        assertThatThrownBy(() -> KernelVm.start(local.launcher(), LocalHost.instance(), base(24), vpp).block(BLOCK))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("hugepages: 256 x 2 MiB = 512 MiB does not fit in 256 MiB");
        assertThatThrownBy(() -> KernelVm.of(vpp).withHugepages(16)
                        .start(local.launcher(), LocalHost.instance(), base(24).bootSource(kit.bootSource(Flavour.DISK))).block(BLOCK))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("bootSource: a kernel VM boots a kernel");
        assertThat(local.runBase()).isEmptyDirectory();
        assertThat(qemusUnder(local.runBase())).isEmpty();
    }

    @Test
    void vppsConfigsLandInTheRunFolderAndTheBootFailsWhereVppIsMissing() throws Exception {
        // VPP is not installed here: the init script's `vpp -c` fails and the VM powers off. The run folder
        // is kept on failure so that the written files can be read back.
        QemuLauncher keeping = new QemuLauncher(local.options()
                .withKeepRunFolderOnFailure(true));
        KernelVmFunction.Vpp vpp = KernelVmFunction.vpp(2, 1, false, VppRunningConfig.l2CrossConnect(), "vpp v23.10-release");
        AtomicReference<VmLaunchException> failure = new AtomicReference<>();

        assertThatThrownBy(() -> KernelVm.of(vpp).withHugepages(16).withProbeTimeout(PROBE)
                        .start(keeping, LocalHost.instance(), base(25)).block(BLOCK))
                .isInstanceOfSatisfying(VmLaunchException.class, failure::set);

        assertThat(Files.exists(Path.of("/usr/bin/vpp"))).as("this test expects no VPP on the host").isFalse();
        assertThat(failure.get().consoleTail()).anyMatch(l -> l.contains("vpp exited with status 127"));
        Path run;
        try (var dirs = Files.list(local.runBase())) {
            run = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        List<GeneratedFile> expected = vpp.files(run);
        assertThat(expected).extracting(f -> f.relativePath().toString())
                .containsExactly("vpp-startup.conf", "vpp-running.exec", "init.sh");
        for (GeneratedFile f : expected) {
            Path written = f.in(run);
            assertThat(Files.readString(written)).as(f.relativePath().toString()).isEqualTo(f.content());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
                    .isEqualTo(f.mode() == GeneratedFile.MODE_EXECUTABLE ? "rwxr-xr-x" : "rw-r--r--");
        }
        assertThat(Files.readString(run.resolve("vpp-startup.conf"))).contains("exec " + run.resolve("vpp-running.exec"));
        assertThat(Files.readString(run.resolve("console.log"))).contains("starting vpp: /usr/bin/vpp -c " + run.resolve("vpp-startup.conf"));
        assertThat(Files.readString(run.resolve("console.log"))).contains("hugepages=16");
    }

    /** Records in {@code seenAt} when {@code file} first contains {@code text}; stops when {@code until} completes. */
    private static Thread watchFor(Path file, String text, AtomicLong seenAt, CompletableFuture<?> until) {
        Thread t = new Thread(() -> {
            long lastSize = -1;
            long deadline = System.nanoTime() + BLOCK.toNanos();
            // after the failure, until the launcher has removed the folder: the failure may beat a poll
            while (seenAt.get() == 0 && (!until.isDone() || Files.exists(file)) && System.nanoTime() < deadline) {
                try {
                    long size = Files.size(file);
                    if (size != lastSize) {
                        lastSize = size;
                        if (Files.readString(file).contains(text)) {
                            seenAt.set(System.nanoTime());
                            return;
                        }
                    }
                } catch (Exception e) {
                    // not there yet, or removed
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "console-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static List<ProcessHandle> qemusUnder(Path base) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(base.toString())).orElse(false))
                .toList();
    }
}
