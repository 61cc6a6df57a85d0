package io.qemureactor.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.fleet.FleetEvent.Type;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VcpuThread;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/**
 * Fleets of the test guest under TCG, through the real launcher: concurrent boots, the two
 * policies, cancellation, and a fleet over this machine plus an SSH "remote" (sshd on 127.0.0.1).
 * Only outcomes are asserted, never durations: the 2-core machine is shared.
 */
@ExtendWith(SshdExtension.class)
class FleetIT {

    private static final Duration BOOT = Duration.ofMinutes(5);
    private static final Duration STOP = Duration.ofMinutes(3);

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private final GuestKit kit = local.kit();
    private Fleet fleet;
    private Topology topology;

    @AfterEach
    void cleanUp() {
        if (fleet != null) {
            fleet.shutdown().onErrorResume(e -> reactor.core.publisher.Mono.empty()).block(STOP);
        }
        if (topology != null) {
            topology.close().block(Duration.ofSeconds(30));
        }
    }

    private FleetMember guest(int id) {
        return FleetMember.of(local.guest(id, Flavour.DEFAULT).build(), kit.readyProbe());
    }

    private FleetMember neverReady(int id) {
        return FleetMember.of(local.guest(id, Flavour.DEFAULT).build(),
                BootProbe.serialMarker("never").withTimeout(Duration.ofSeconds(5)));
    }

    @Test
    void bootsThreeGuestsConcurrentlyPinsOneAndShutsDownLeavingNothing() throws Exception {
        fleet = Fleet.boot(local.launcher(), List.of(guest(1).pinning(1), guest(2), guest(3)), FleetOptions.defaults());

        FleetResult result = fleet.ready().block(BOOT);

        assertThat(result.running()).extracting(RunningVm::name).containsExactly("vm1", "vm2", "vm3");
        assertThat(result.running()).allSatisfy(vm -> assertThat(ProcessHandle.of(vm.pid())).isPresent());
        RunningVm vm1 = result.vm("vm1").orElseThrow();
        int pinnedTo = fleet.hosts().get(0).ledger().reservations().get(0).cpus().toArray()[0];
        for (VcpuThread t : vm1.vcpuThreads().block(Duration.ofSeconds(30))) {
            String status = Files.readString(Path.of("/proc/" + vm1.pid() + "/task/" + t.threadId() + "/status"));
            assertThat(status).contains("Cpus_allowed_list:\t" + pinnedTo + "\n");
        }

        fleet.shutdown().block(STOP);

        Map<String, List<Type>> events = typesByVm(fleet);
        assertThat(events).containsOnlyKeys("vm1", "vm2", "vm3");
        assertThat(events.values()).allSatisfy(types -> assertThat(types)
                .containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.READY, Type.STOPPED));
        assertNothingLeft(Duration.ZERO);
        assertThat(fleet.hosts().get(0).ledger().vmCount()).isZero();
    }

    @Test
    void allOrNothingWithOneBadMemberNamesItAndTearsDownTheOthers() {
        fleet = Fleet.boot(local.launcher(), List.of(guest(1), neverReady(2), guest(3)), FleetOptions.defaults());

        assertThatThrownBy(() -> fleet.ready().block(BOOT))
                .isInstanceOfSatisfying(FleetBootException.class, e -> {
                    assertThat(e).hasMessageContaining("vm2 on localhost failed to boot: vm2 was not ready within 5 s");
                    assertThat(e.failures().get(0).vmName()).isEqualTo("vm2");
                    // the others were either up and stopped, or cancelled during their boot
                    List<String> accounted = new java.util.ArrayList<>(e.stopped());
                    e.failures().forEach(f -> accounted.add(f.vmName()));
                    assertThat(accounted).containsExactlyInAnyOrder("vm1", "vm2", "vm3");
                });

        Map<String, List<Type>> events = typesByVm(fleet); // completes once the fleet is torn down
        assertThat(events.get("vm2")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.FAILED);
        assertThat(events.values()).allSatisfy(types -> assertThat(types).last().isIn(Type.FAILED, Type.STOPPED));
        // a boot cancelled in progress is cleaned up by the launcher, asynchronously: allow it time
        assertNothingLeft(Duration.ofSeconds(60));
        assertThat(fleet.hosts().get(0).ledger().vmCount()).isZero();
    }

    @Test
    void bestEffortWithOneBadMemberKeepsTheOtherTwo() {
        fleet = Fleet.boot(local.launcher(), List.of(guest(1), neverReady(2), guest(3)),
                FleetOptions.defaults().withPolicy(FleetPolicy.BEST_EFFORT));

        FleetResult result = fleet.ready().block(BOOT);

        assertThat(result.running()).extracting(RunningVm::name).containsExactly("vm1", "vm3");
        assertThat(result.failed()).extracting(MemberFailure::vmName).containsExactly("vm2");
        assertThat(result.failed().get(0).reason()).contains("was not ready within 5 s");
        assertThat(qemuProcesses()).hasSize(2);
        assertThat(fleet.hosts().get(0).ledger().reservations()).extracting(Reservation::vmName)
                .containsExactly("vm1", "vm3");

        fleet.shutdown().block(STOP);
        assertNothingLeft(Duration.ZERO);
    }

    @Test
    void cancellingReadyMidBootLeavesNoProcess() {
        fleet = Fleet.boot(local.launcher(), List.of(guest(1), guest(2), guest(3)), FleetOptions.defaults());
        Disposable boot = fleet.ready().subscribe(r -> { }, e -> { });
        fleet.events().filter(e -> e.type() == Type.QMP_CONNECTED).blockFirst(BOOT);

        boot.dispose();

        Map<String, List<Type>> events = typesByVm(fleet);
        assertThat(events.values()).allSatisfy(types -> assertThat(types).last().isIn(Type.FAILED, Type.STOPPED));
        assertNothingLeft(Duration.ofSeconds(60));
        assertThat(fleet.hosts().get(0).ledger().vmCount()).isZero();
    }

    @Test
    void aFleetOverThisMachineAndAnSshHostIsPlacedByCapacity(Sshd sshd) throws Exception {
        Path file = local.runBase().resolve("topology.json");
        Files.writeString(file, """
                {"hosts": [
                  {"name": "local", "uri": "local", "cpus": "0-1", "maxVms": 1},
                  {"name": "dut1", "uri": "%s", "identity": "%s", "knownHosts": "%s", "cpus": "0-1", "maxVms": 2}
                ]}
                """.formatted(sshd.uri(), sshd.clientKey(), sshd.knownHosts()));
        topology = Topology.load(file);
        fleet = Fleet.boot(local.launcher(), topology.fleetHosts(), List.of(guest(1), guest(2), guest(3)), FleetOptions.defaults());

        FleetResult result = fleet.ready().block(BOOT);

        // as many free CPUs on both; dut1 has 2 free VM slots, local 1: dut1, then a tie that goes to
        // the first host, then dut1 (local is full)
        assertThat(result.placement()).containsEntry("vm1", "dut1").containsEntry("vm2", "local").containsEntry("vm3", "dut1");
        assertThat(result.vm("vm1").orElseThrow().host().name()).startsWith("ssh://");
        assertThat(result.vm("vm2").orElseThrow().host().name()).isEqualTo("localhost");
        assertThat(result.vm("vm3").orElseThrow().qmp().address().isUnix()).as("QMP forwarded over SSH").isFalse();
        assertThat(qemuProcesses()).hasSize(3);

        fleet.shutdown().block(STOP);

        assertThat(typesByVm(fleet).get("vm1")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.READY, Type.STOPPED);
        assertNothingLeft(Duration.ZERO);
        assertThat(fleet.hosts()).allSatisfy(h -> assertThat(h.ledger().vmCount()).isZero());
    }

    private static Map<String, List<Type>> typesByVm(Fleet fleet) {
        return fleet.events().collectList().block(STOP).stream().collect(Collectors.groupingBy(FleetEvent::vmName,
                Collectors.mapping(FleetEvent::type, Collectors.toList())));
    }

    /** QEMUs among this JVM's descendants (those started over SSH are children of the test sshd). */
    /**
     * This test's QEMUs: those whose command line names its run base. Not "descendants of this JVM": the SSH
     * host's command shell starts each process detached, so a QEMU started over SSH (here, on this machine)
     * belongs to init, and other people's QEMUs on a shared machine are none of this test's business.
     */
    private List<ProcessHandle> qemuProcesses() {
        String base = local.runBase().toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(base)).orElse(false))
                .toList();
    }

    /** No QEMU process and no run folder, within {@code grace} (polled: the machine is shared). */
    private void assertNothingLeft(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline && (!qemuProcesses().isEmpty() || !runFolders().isEmpty())) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(qemuProcesses()).as("QEMU processes left").isEmpty();
        assertThat(runFolders()).as("run folders left").isEmpty();
    }

    private List<Path> runFolders() {
        try (var list = Files.list(local.runBase())) {
            return list.filter(Files::isDirectory).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
