package io.qemureactor.core.fleet;

import static io.qemureactor.core.fleet.ResourceLedgerTest.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.fleet.FakeStarter.Outcome;
import io.qemureactor.core.fleet.FleetEvent.Type;
import io.qemureactor.core.launch.RunFolderPreparer;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.probe.AbstractBootProbe;
import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.vm.RunningVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Outcome logic, events and clean-up of a fleet, with a scripted launcher (no QEMU). The boots run on
 * virtual time ({@link StepVerifier#withVirtualTime}): the script's delays order the events, not the machine.
 */
class FleetTest {

    /** A bound for what runs on real time (stopping the fake VMs, reading the events); never reached. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** How far virtual time moves a boot on: past every scripted delay (at most 400 ms), below any probe's bound. */
    private static final Duration SCRIPTED = Duration.ofSeconds(2);

    /** Ready at once: the fake launcher decides how the boot ends. */
    private static final BootProbe NOW = new AbstractBootProbe("now", Duration.ofSeconds(30)) {
        @Override
        protected Mono<Void> await(BootContext context, Duration timeout) {
            return Mono.empty();
        }
    };

    @TempDir
    Path runBase;

    private final FleetHost local = FleetHost.of("localhost", LocalHost.instance(),
            HostCapacity.unlimited().withCpus(CpuSet.parse("0-3")));

    private static List<FleetMember> members(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> FleetMember.of(spec(i).build(), NOW)).toList();
    }

    private Fleet fleet(FakeStarter starter, List<FleetMember> members, FleetOptions options) {
        return Fleet.boot(starter, List.of(local), members, options);
    }

    /**
     * The fleet's boot on virtual time: the scripted delays of the fake launcher pass at once and in
     * their order, so that which VM is up when another fails is fixed by the script, not by the machine.
     */
    private static FleetResult ready(Fleet fleet) {
        AtomicReference<FleetResult> result = new AtomicReference<>();
        StepVerifier.withVirtualTime(fleet::ready).thenAwait(SCRIPTED).consumeNextWith(result::set).expectComplete()
                .verify(WAIT);
        return result.get();
    }

    /** How the fleet's boot fails, on virtual time. */
    private static Throwable readyFailure(Fleet fleet) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        StepVerifier.withVirtualTime(fleet::ready).thenAwait(SCRIPTED).consumeErrorWith(failure::set).verify(WAIT);
        return failure.get();
    }

    /** The fleet's events as they come, for a test that acts in the middle of the boot. */
    private static List<FleetEvent> recorded(Fleet fleet) {
        List<FleetEvent> events = new CopyOnWriteArrayList<>();
        fleet.events().subscribe(events::add);
        return events;
    }

    private static Map<String, List<Type>> byVm(Fleet fleet) {
        return fleet.events().collectList().block(WAIT).stream().collect(Collectors.groupingBy(FleetEvent::vmName,
                Collectors.mapping(FleetEvent::type, Collectors.toList())));
    }

    @Test
    void bootsEveryMemberReportsEachStepAndShutsDownLeavingNothing() throws Exception {
        FakeStarter starter = new FakeStarter(runBase);
        Fleet fleet = fleet(starter, members(3), FleetOptions.defaults());

        FleetResult result = ready(fleet);

        assertThat(result.running()).extracting(RunningVm::name).containsExactly("vm1", "vm2", "vm3");
        assertThat(result.failed()).isEmpty();
        assertThat(result.hostOf("vm2")).hasValue("localhost");
        assertThat(local.ledger().vmCount()).isEqualTo(3);

        fleet.shutdown().block(WAIT);

        Map<String, List<Type>> events = byVm(fleet); // completes: the fleet is over
        for (String vm : List.of("vm1", "vm2", "vm3")) {
            assertThat(events.get(vm)).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.READY, Type.STOPPED);
            assertThat(starter.processes.get(vm).isAlive()).isFalse();
            assertThat(runBase.resolve(vm)).doesNotExist();
        }
        assertThat(local.ledger().vmCount()).isZero();
        fleet.shutdown().block(WAIT); // idempotent
    }

    @Test
    void eachMemberIsLaunchedWithItsOwnRunFolderPreparer() {
        FakeStarter starter = new FakeStarter(runBase);
        RunFolderPreparer writesInitScript = (host, folder, spec) -> Mono.just(spec);
        List<FleetMember> members = members(2);
        Fleet fleet = fleet(starter, List.of(members.get(0).preparedBy(writesInitScript).on("localhost"), members.get(1)),
                FleetOptions.defaults());

        ready(fleet);
        fleet.shutdown().block(WAIT);

        assertThat(starter.preparers.get("vm1")).isSameAs(writesInitScript); // kept through on(host)
        assertThat(starter.preparers.get("vm2")).isSameAs(RunFolderPreparer.none());
    }

    @Test
    void eventsCarryTheVmIdTheHostAndATimestamp() {
        Fleet fleet = fleet(new FakeStarter(runBase), members(1), FleetOptions.defaults());
        ready(fleet);
        fleet.shutdown().block(WAIT);

        List<FleetEvent> events = fleet.events().collectList().block(WAIT);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.vmId()).isEqualTo(1);
            assertThat(e.host()).isEqualTo("localhost");
            assertThat(e.error()).isEmpty();
        });
        assertThat(events).extracting(FleetEvent::at).isSorted();
    }

    @Test
    void allOrNothingStopsTheOthersAndNamesTheVmThatFailed() {
        FakeStarter starter = new FakeStarter(runBase)
                .script("vm1", Outcome.UP, Duration.ofMillis(10))
                .script("vm2", Outcome.FAIL, Duration.ofMillis(300))
                .script("vm3", Outcome.HANG, Duration.ofMillis(10));
        Fleet fleet = fleet(starter, members(3), FleetOptions.defaults());

        assertThat(readyFailure(fleet))
                .isInstanceOfSatisfying(FleetBootException.class, e -> {
                    assertThat(e).hasMessageStartingWith("fleet of 3 did not come up (all-or-nothing): "
                            + "vm2 on localhost failed to boot: scripted failure; "
                            + "vm3 on localhost: boot cancelled: vm2 failed first (all-or-nothing); stopped: vm1");
                    assertThat(e.failures()).extracting(MemberFailure::vmName).containsExactly("vm2", "vm3");
                    assertThat(e.failureOf("vm2").orElseThrow().cause()).isInstanceOf(VmLaunchException.class);
                    assertThat(e.stopped()).containsExactly("vm1");
                });

        // vm1 was up and is killed before ready() fails; vm3's boot was cancelled (the launcher cleans up)
        assertThat(starter.processes.get("vm1").isAlive()).isFalse();
        assertThat(runBase.resolve("vm1")).doesNotExist();
        assertThat(starter.cancelled).containsExactly("vm3");
        assertThat(local.ledger().vmCount()).isZero();

        Map<String, List<Type>> events = byVm(fleet);
        assertThat(events.get("vm1")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.READY, Type.STOPPED);
        assertThat(events.get("vm2")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.FAILED);
        assertThat(events.get("vm3")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.FAILED);
    }

    @Test
    void allOrNothingDoesNotLaunchTheMembersStillWaitingForTheirTurn() {
        FakeStarter starter = new FakeStarter(runBase).script("vm1", Outcome.FAIL, Duration.ofMillis(10));
        Fleet fleet = fleet(starter, members(3), FleetOptions.defaults().withConcurrency(1));

        assertThat(readyFailure(fleet))
                .isInstanceOfSatisfying(FleetBootException.class, e -> assertThat(e.failures())
                        .extracting(MemberFailure::reason)
                        .containsExactly("vm1 on localhost failed to boot: scripted failure",
                                "not launched: vm1 failed first (all-or-nothing)",
                                "not launched: vm1 failed first (all-or-nothing)"));
        assertThat(starter.startedNames).containsExactly("vm1");
        assertThat(byVm(fleet).get("vm3")).containsExactly(Type.FAILED);
        assertThat(local.ledger().vmCount()).isZero();
    }

    @Test
    void bestEffortKeepsTheVmsThatCameUpAndReportsTheOthers() {
        FakeStarter starter = new FakeStarter(runBase).script("vm2", Outcome.FAIL, Duration.ofMillis(10));
        Fleet fleet = fleet(starter, members(3), FleetOptions.defaults().withPolicy(FleetPolicy.BEST_EFFORT));

        FleetResult result = ready(fleet);

        assertThat(result.running()).extracting(RunningVm::name).containsExactly("vm1", "vm3");
        assertThat(result.failed()).extracting(MemberFailure::vmName).containsExactly("vm2");
        assertThat(result.failed().get(0).reason()).contains("scripted failure");
        assertThat(result.allRunning()).isFalse();
        assertThat(local.ledger().reservations()).extracting(Reservation::vmName).containsExactly("vm1", "vm3");
        assertThat(starter.processes.get("vm1").isAlive()).isTrue();

        fleet.shutdown().block(WAIT);
        assertThat(starter.processes.get("vm3").isAlive()).isFalse();
        assertThat(local.ledger().vmCount()).isZero();
    }

    @Test
    void runsAtMostConcurrencyBootsAtOnce() {
        FakeStarter starter = new FakeStarter(runBase);
        Fleet fleet = fleet(starter, members(6), FleetOptions.defaults().withConcurrency(2));

        assertThat(ready(fleet).running()).hasSize(6);
        assertThat(starter.maxInFlight.get()).isEqualTo(2);
        fleet.shutdown().block(WAIT);
    }

    @Test
    void theDefaultConcurrencyIsEveryMemberAtOnce() {
        FakeStarter starter = new FakeStarter(runBase);
        for (int i = 1; i <= 5; i++) {
            starter.script("vm" + i, Outcome.UP, Duration.ofMillis(400));
        }
        Fleet fleet = fleet(starter, members(5), FleetOptions.defaults());

        ready(fleet);
        assertThat(starter.maxInFlight.get()).isEqualTo(5);
        fleet.shutdown().block(WAIT);
    }

    @Test
    void aMemberThatDoesNotFitFailsTheFleetBeforeAnythingIsLaunched() {
        FakeStarter starter = new FakeStarter(runBase);
        List<FleetMember> members = List.of(FleetMember.of(spec(1).build(), NOW).pinning(3),
                FleetMember.of(spec(2).build(), NOW).pinning(2));
        Fleet fleet = fleet(starter, members, FleetOptions.defaults());

        assertThatThrownBy(() -> fleet.ready().block(WAIT)).isInstanceOf(FleetCapacityException.class)
                .hasMessageContaining("vm2 fits on no host: host localhost: 2 CPUs asked for vm2, 1 free"
                        + " (cpus 0-2 reserved by vm1)");
        assertThat(starter.startedNames).isEmpty();
        assertThat(local.ledger().vmCount()).isZero();
        assertThat(fleet.events().collectList().block(WAIT)).isEmpty();
    }

    @Test
    void pinnedMembersGetDisjointCpusFromTheLedger() {
        FakeStarter starter = new FakeStarter(runBase);
        // the fake VMs cannot be pinned for real: check the plan the pinning would follow
        List<PlacedMember> placed = Placement.place(List.of(FleetMember.of(spec(1).build(), NOW).pinning(2),
                FleetMember.of(spec(2).build(), NOW).pinning(2)), List.of(local));
        assertThat(placed).extracting(p -> p.reservation().cpus().toString()).containsExactly("0-1", "2-3");
        placed.forEach(PlacedMember::release);
        assertThat(starter.startedNames).isEmpty();
    }

    @Test
    void cancellingReadyStopsTheVmsUpAndCancelsTheBootsInProgress() {
        FakeStarter starter = new FakeStarter(runBase)
                .script("vm1", Outcome.UP, Duration.ofMillis(10))
                .script("vm2", Outcome.HANG, Duration.ofMillis(10));
        Fleet fleet = fleet(starter, members(2), FleetOptions.defaults());

        List<FleetEvent> seen = recorded(fleet);
        StepVerifier.withVirtualTime(fleet::ready)
                .thenAwait(SCRIPTED)
                .then(() -> assertThat(seen).as("vm1 is up, vm2 still booting")
                        .anyMatch(e -> e.type() == Type.READY && e.vmName().equals("vm1"))
                        .noneMatch(e -> e.vmName().equals("vm2") && e.type() != Type.LAUNCHED && e.type() != Type.QMP_CONNECTED))
                .thenCancel()
                .verify(WAIT);

        Map<String, List<Type>> events = byVm(fleet); // completes once vm1 is stopped
        assertThat(events.get("vm1")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.READY, Type.STOPPED);
        assertThat(events.get("vm2")).startsWith(Type.LAUNCHED).endsWith(Type.FAILED).doesNotContain(Type.READY);
        assertThat(starter.processes.get("vm1").isAlive()).isFalse();
        assertThat(starter.cancelled).containsExactly("vm2");
        assertThat(local.ledger().vmCount()).isZero();
        assertThatThrownBy(() -> fleet.ready().block(WAIT)).isInstanceOf(CancellationException.class);
    }

    @Test
    void shutdownDuringTheBootCancelsItAndWaitsForTheVmsUp() throws Exception {
        FakeStarter starter = new FakeStarter(runBase)
                .script("vm1", Outcome.UP, Duration.ofMillis(10))
                .script("vm2", Outcome.HANG, Duration.ofMillis(10));
        Fleet fleet = fleet(starter, members(2), FleetOptions.defaults());
        List<FleetEvent> seen = recorded(fleet);
        AtomicReference<CompletableFuture<Void>> shutdown = new AtomicReference<>();

        StepVerifier.withVirtualTime(fleet::ready)
                .thenAwait(SCRIPTED)
                .then(() -> assertThat(seen).anyMatch(e -> e.type() == Type.READY && e.vmName().equals("vm1")))
                .then(() -> shutdown.set(fleet.shutdown().toFuture()))
                .thenAwait(SCRIPTED)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CancellationException.class)
                        .hasMessageContaining("the fleet was shut down during its boot"))
                .verify(WAIT);
        shutdown.get().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(starter.processes.get("vm1").isAlive()).isFalse();
        assertThat(starter.cancelled).containsExactly("vm2");
        assertThat(local.ledger().vmCount()).isZero();
    }

    @Test
    void disposeStopsEveryVm() {
        FakeStarter starter = new FakeStarter(runBase);
        Fleet fleet = fleet(starter, members(2), FleetOptions.defaults());
        ready(fleet);

        fleet.dispose();

        assertThat(fleet.isDisposed()).isTrue();
        assertThat(byVm(fleet).get("vm2")).endsWith(Type.STOPPED);
        assertThat(starter.processes.values()).noneMatch(FakeStarter.FakeProcess::isAlive);
        assertThat(local.ledger().vmCount()).isZero();
    }

    @Test
    void theBootStartsOnceAndLaterSubscribersShareItsOutcome() {
        FakeStarter starter = new FakeStarter(runBase);
        Fleet fleet = fleet(starter, members(2), FleetOptions.defaults());
        assertThat(starter.startedNames).as("nothing before ready() is subscribed").isEmpty();

        FleetResult first = ready(fleet);
        FleetResult second = ready(fleet);

        assertThat(second).isSameAs(first);
        assertThat(starter.startedNames).containsExactly("vm1", "vm2");
        fleet.shutdown().block(WAIT);
    }

    @Test
    void aFleetShutDownBeforeItsBootNeverBoots() {
        FakeStarter starter = new FakeStarter(runBase);
        Fleet fleet = fleet(starter, members(1), FleetOptions.defaults());
        fleet.shutdown().block(WAIT);

        assertThatThrownBy(() -> fleet.ready().block(WAIT)).isInstanceOf(CancellationException.class);
        assertThat(starter.startedNames).isEmpty();
    }

    @Test
    void aVmThatCannotBePinnedFailsAndIsKilled() {
        // the fake QEMU has no vCPU threads to pin
        FakeStarter starter = new FakeStarter(runBase);
        Fleet fleet = fleet(starter, List.of(FleetMember.of(spec(1).build(), NOW).pinning(1)),
                FleetOptions.defaults().withPolicy(FleetPolicy.BEST_EFFORT));

        FleetResult result = ready(fleet);

        assertThat(result.running()).isEmpty();
        assertThat(result.failed().get(0).reason()).startsWith("pinning the vCPUs of vm1 to cpus 0 failed: ");
        assertThat(starter.processes.get("vm1").isAlive()).isFalse();
        assertThat(runBase.resolve("vm1")).doesNotExist();
        assertThat(local.ledger().vmCount()).isZero();
        fleet.shutdown().block(WAIT);
        assertThat(byVm(fleet).get("vm1")).containsExactly(Type.LAUNCHED, Type.QMP_CONNECTED, Type.READY, Type.FAILED);
    }

    @Test
    void twoFleetsSharingAHostShareItsLedger() {
        FakeStarter starter = new FakeStarter(runBase);
        Fleet first = fleet(starter, List.of(FleetMember.of(spec(1).build(), NOW)), FleetOptions.defaults());
        ready(first);
        Fleet second = fleet(starter, List.of(FleetMember.of(spec(1).build(), NOW)), FleetOptions.defaults());

        assertThatThrownBy(() -> second.ready().block(WAIT)).isInstanceOf(FleetCapacityException.class)
                .hasMessageContaining("host localhost: name vm1 is already reserved");

        first.shutdown().block(WAIT);
        Fleet third = fleet(starter, List.of(FleetMember.of(spec(2).build(), NOW).pinning(0)), FleetOptions.defaults());
        assertThat(ready(third).running()).hasSize(1);
        third.shutdown().block(WAIT);
        assertThat(Files.exists(runBase.resolve("vm2"))).isFalse();
    }
}
