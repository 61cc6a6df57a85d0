package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * Kernel VMs as fleet members: each VM's function files are written into its own run folder by the
 * member's preparer, the fleet boots them concurrently, and its shutdown removes them. Real QEMU, TCG.
 */
class KernelVmFleetIT {

    private static final Duration PROBE = Duration.ofSeconds(150);
    private static final Duration BOOT = Duration.ofSeconds(240);
    private static final Duration STOP = Duration.ofSeconds(90);

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private final GuestKit kit = local.kit();
    private Fleet fleet;

    @AfterEach
    void cleanUp() {
        if (fleet != null) {
            fleet.shutdown().onErrorResume(e -> Mono.empty()).block(STOP);
        }
    }

    private VmSpec.Builder base(int id) {
        return local.guest(id, Flavour.KERNEL);
    }

    @Test
    void twoKernelVmsBootAsOneFleetEachWithItsOwnInitScript() throws Exception {
        // the VM's own kernel command line tells it apart: the function prints the init= path it was given.
        // printf assembles "nf init=/", so the init script's "starting command" line (which quotes the
        // command) cannot pass the readiness rule
        KernelVmFunction fn = KernelVmFunction.command("/bin/sh", "-c",
                        "printf '%s %s up\\n' nf \"$(tr ' ' '\\n' < /proc/cmdline | grep '^init=')\"; exec sleep 3600")
                .withReadiness(ReadinessRule.lineContaining("nf init=/"));
        KernelVm kernelVm = KernelVm.of(fn).withProbeTimeout(PROBE);
        List<FleetMember> members = List.of(kernelVm.member(local.launcher(), base(31)), kernelVm.member(local.launcher(), base(32)));

        fleet = Fleet.boot(local.launcher(), members, FleetOptions.defaults()
                .withShutdownPolicy(ShutdownPolicy.withoutGuest())); // the init script runs no ACPI watcher
        FleetResult result = fleet.ready().block(BOOT);

        assertThat(result.allRunning()).as(result.failed().toString()).isTrue();
        List<Path> runFolders = Stream.of("vm31", "vm32").map(name -> {
            RunningVm vm = result.vm(name).orElseThrow();
            Path run = Path.of(vm.runFolder());
            assertThat(run.getParent()).isEqualTo(local.runBase());
            assertThat(run.resolve("init.sh")).isRegularFile();
            String line = vm.serial().filter(l -> l.startsWith("nf init=")).blockFirst(Duration.ofSeconds(10));
            assertThat(line).isEqualTo("nf init=" + run.resolve("init.sh") + " up");
            return run;
        }).toList();
        assertThat(runFolders.get(0)).isNotEqualTo(runFolders.get(1));

        fleet.shutdown().block(STOP);
        fleet = null;
        for (Path run : runFolders) {
            assertThat(run).doesNotExist();
        }
        try (Stream<Path> left = Files.list(local.runBase())) {
            assertThat(left).noneMatch(p -> p.getFileName().toString().startsWith("vm3"));
        }
    }

    @Test
    void aBadFunctionFailsWhenTheMemberIsMadeBeforeAnyFleetExists() {
        KernelVm tooManyPages = KernelVm.of(KernelVmFunction.command("/bin/true")).withHugepages(1000);
        assertThatThrownBy(() -> tooManyPages.member(local.launcher(), base(33)))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageContaining("hugepages");
        try (Stream<Path> left = Files.list(local.runBase())) {
            assertThat(left).isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
