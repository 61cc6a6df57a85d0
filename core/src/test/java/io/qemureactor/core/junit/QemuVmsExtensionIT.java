package io.qemureactor.core.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import reactor.test.StepVerifier;

/**
 * The extension on real QEMU (the test guest, TCG): sample classes (static nested, run only
 * through {@link EngineTestKit}) boot VMs, use them, fail on purpose or fail to boot; after each
 * run no QEMU is left and the extension's temporary folder is gone. Outcomes only, never
 * durations: the 2-core machine is shared.
 */
class QemuVmsExtensionIT {

    /** The configuration parameter that lets the sample classes run (Failsafe never sets it). */
    static final String SAMPLES = "qemu-reactor.junit.samples";

    private static final Duration STEP = Duration.ofSeconds(60);

    @Test
    void bootsTwoVmsConcurrentlyInjectsThemAndLeavesNothing() {
        Set<Path> before = extensionFolders();

        EngineExecutionResults results = run(TwoVms.class);

        assertNoFailures(results);
        results.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
        Map<String, String> vms = entries(results, QemuVmsExtension.VM_ENTRY);
        assertThat(vms).containsOnlyKeys(QemuVmsExtension.VM_ENTRY + "a", QemuVmsExtension.VM_ENTRY + "b");
        assertThat(vms.get(QemuVmsExtension.VM_ENTRY + "a")).startsWith("a pid ");
        assertThat(vms.get(QemuVmsExtension.VM_ENTRY + "b")).startsWith("b pid ");
        assertThat(entries(results, QemuVmsExtension.CONSOLE_ENTRY)).isEmpty();
        assertNothingLeft(before, vms.values());
    }

    @Test
    void aFailedTestGetsEachVmsConsoleTailInItsReport() {
        Set<Path> before = extensionFolders();

        EngineExecutionResults results = run(FailingTest.class);

        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Throwable failure = results.testEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure).hasMessageContaining("failing on purpose");
        // the console travels with the exception itself (what Surefire's reports print), and it is
        // what the VM printed during the test, not the boot before it
        assertThat(failure.getSuppressed()).singleElement()
                .isInstanceOf(ConsoleTail.class)
                .satisfies(t -> assertThat(t.getMessage())
                        .startsWith("console of guest (pid ")
                        .contains("lines printed during the test:\n", "printed-by-the-test")
                        .doesNotContain(GuestKit.locate().marker()));
        Map<String, String> consoles = entries(results, QemuVmsExtension.CONSOLE_ENTRY);
        assertThat(consoles).containsOnlyKeys(QemuVmsExtension.CONSOLE_ENTRY + "guest");
        String tail = consoles.get(QemuVmsExtension.CONSOLE_ENTRY + "guest");
        assertThat(tail).contains(GuestKit.locate().marker());
        assertThat(tail.lines().count()).isBetween(1L, 50L);
        // published on the failed test itself, not on its class
        assertThat(results.allEvents().reportingEntryPublished().stream()
                .filter(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()
                        .containsKey(QemuVmsExtension.CONSOLE_ENTRY + "guest"))
                .map(e -> e.getTestDescriptor().isTest()))
                .containsExactly(true);
        results.containerEvents().assertStatistics(s -> s.failed(0));
        assertNothingLeft(before, entries(results, QemuVmsExtension.VM_ENTRY).values());
    }

    @Test
    void aVmThatCannotBootFailsEveryTestWithTheLaunchErrorAndLeavesNothing() {
        Set<Path> before = extensionFolders();

        EngineExecutionResults results = run(NeverBoots.class);

        results.testEvents().assertStatistics(s -> s.started(2).failed(2).succeeded(0));
        results.containerEvents().assertStatistics(s -> s.failed(0));
        results.testEvents().failed().stream().forEach(e -> {
            Throwable t = e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
            assertThat(t).isInstanceOf(QemuVmsBootException.class)
                    .hasMessageContaining("the VMs of NeverBoots did not boot")
                    .hasMessageContaining("stuck")
                    .hasMessageContaining("was not ready within 5 s")
                    // the launcher's details follow the summary, under the field's name
                    .hasMessageContaining("\n\nstuck: stuck ");
        });
        assertThat(entries(results, QemuVmsExtension.VM_ENTRY)).isEmpty();
        assertNothingLeft(before, List.of());
    }

    @Test
    void aNestedClassSeesTheOuterVmsAndBootsItsOwn() {
        Set<Path> before = extensionFolders();

        EngineExecutionResults results = run(WithNested.class);

        assertNoFailures(results);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        Map<String, String> vms = entries(results, QemuVmsExtension.VM_ENTRY);
        assertThat(vms).containsOnlyKeys(QemuVmsExtension.VM_ENTRY + "outer", QemuVmsExtension.VM_ENTRY + "inner");
        assertNothingLeft(before, vms.values());
    }

    @Test
    void aTemplateVmIsResetToItsTemplateBeforeEachTest() {
        Set<Path> before = extensionFolders();

        EngineExecutionResults results = run(ResetPerTest.class);

        assertNoFailures(results);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        Map<String, String> vms = entries(results, QemuVmsExtension.VM_ENTRY);
        assertThat(vms).containsOnlyKeys(QemuVmsExtension.VM_ENTRY + "dut");
        assertNothingLeft(before, vms.values());
    }

    // ---- helpers

    private static EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(SAMPLES, "true")
                .selectors(selectClass(sample))
                .execute();
    }

    /** Fails with every failure's stack trace: the sample's own assertions say what went wrong. */
    private static void assertNoFailures(EngineExecutionResults results) {
        List<String> failures = results.allEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": "
                        + e.getRequiredPayload(TestExecutionResult.class).getThrowable().map(QemuVmsExtensionIT::trace).orElse("?"))
                .toList();
        if (!failures.isEmpty()) {
            fail("the sample failed:\n" + String.join("\n", failures));
        }
    }

    private static String trace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    /** The report entries whose key starts with {@code prefix}, from every test and container. */
    private static Map<String, String> entries(EngineExecutionResults results, String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
                .forEach(m -> m.forEach((k, v) -> {
                    if (k.startsWith(prefix)) {
                        found.put(k, v);
                    }
                }));
        return found;
    }

    /** No QEMU below this JVM, no pid of the VM entries alive, their run folder base and every new extension folder gone. */
    private static void assertNothingLeft(Set<Path> foldersBefore, java.util.Collection<String> vmEntries) {
        assertThat(ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false))
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")))
                .isEmpty();
        for (String entry : vmEntries) {
            // "a pid 1234 on localhost, run folder /tmp/qemu-reactor-junit-…/a-abcdef"
            long pid = Long.parseLong(entry.split(" ")[2]);
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("pid %d", pid).isEmpty();
            Path runFolder = Path.of(entry.substring(entry.indexOf("run folder ") + "run folder ".length()));
            assertThat(runFolder.getParent().getFileName().toString()).startsWith("qemu-reactor-junit-");
            assertThat(runFolder.getParent()).doesNotExist();
        }
        assertThat(extensionFolders()).isSubsetOf(foldersBefore);
    }

    private static Set<Path> extensionFolders() {
        try (Stream<Path> s = Files.list(Path.of("/tmp"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("qemu-reactor-junit-")).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VmSpec guest(int id) {
        return GuestKit.locate().spec(id, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
    }

    // ---- the sample classes: static nested, not @Nested, names not ending in IT or Test

    /** Lets a sample class run only under {@link EngineTestKit} with {@link #SAMPLES} set. */
    static final class OnlyThroughTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(SAMPLES).map(Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("run by QemuVmsExtensionIT")
                    : ConditionEvaluationResult.disabled("a sample of QemuVmsExtensionIT, run only through it");
        }
    }

    @ExtendWith(OnlyThroughTestKit.class)
    @QemuVms
    static class TwoVms {

        @BootVm
        static final VmSpec a = guest(1);

        @BootVm // a Supplier: called when the VMs boot, not in the class's static initializer
        static final Supplier<VmSpec> b = () -> guest(2);

        @Vm("a")
        RunningVm injectedA;

        @Test
        void theyAreTwoDistinctVms(@Vm("a") RunningVm a, @Vm("b") RunningVm b) {
            assertThat(a.name()).isEqualTo("a"); // the field's name, everywhere
            assertThat(b.name()).isEqualTo("b");
            assertThat(a.pid()).isNotEqualTo(b.pid());
            assertThat(a.runFolder()).isNotEqualTo(b.runFolder());
            assertThat(injectedA).isSameAs(a);
            assertThat(ProcessHandle.of(a.pid()).filter(ProcessHandle::isAlive)).isPresent();
            assertThat(ProcessHandle.of(b.pid()).filter(ProcessHandle::isAlive)).isPresent();
        }

        @Test
        void bothAreRunning(@Vm("a") RunningVm a, @Vm("b") RunningVm b) {
            for (RunningVm vm : List.of(a, b)) {
                StepVerifier.create(vm.qmp().execute(QmpCommands.queryStatus()))
                        .assertNext(status -> {
                            assertThat(status.status()).isEqualTo("running");
                            assertThat(status.running()).isTrue();
                        })
                        .expectComplete()
                        .verify(STEP);
            }
        }

        @Test
        void theirGuestAgentsAnswer(@Vm("a") RunningVm a, @Vm("b") RunningVm b) {
            for (RunningVm vm : List.of(a, b)) {
                StepVerifier.create(vm.qga().flatMap(QgaClient::ping)).expectComplete().verify(STEP);
            }
        }
    }

    @ExtendWith(OnlyThroughTestKit.class)
    @QemuVms
    static class FailingTest {

        @BootVm
        static final VmSpec guest = guest(3);

        @Test
        void failsOnPurpose(@Vm RunningVm guest) {
            assertThat(guest.name()).isEqualTo("guest");
            guest.qga().flatMap(a -> a.exec("/bin/sh", "-c", "echo printed-by-the-test > /dev/ttyS0")).block(STEP);
            // seen on this side of the console socket before the test fails (lines() replays what came)
            guest.console().orElseThrow().lines().filter(l -> l.contains("printed-by-the-test")).blockFirst(STEP);
            fail("failing on purpose");
        }
    }

    @ExtendWith(OnlyThroughTestKit.class)
    @QemuVms
    static class WithNested {

        @BootVm(probe = ProbeKind.QMP_RUNNING)
        static final VmSpec outer = guest(5);

        @Vm
        static RunningVm only;

        @Test
        void theOuterClassSeesItsVm(@Vm RunningVm vm) {
            assertThat(vm.name()).isEqualTo("outer");
            assertThat(only).isSameAs(vm);
        }

        @Nested
        class Inner {

            @BootVm(probe = ProbeKind.QGA)
            static final VmSpec inner = guest(6);

            @Test
            void seesBoth(@Vm("outer") RunningVm o, @Vm("inner") RunningVm i) {
                assertThat(o.name()).isEqualTo("outer");
                assertThat(i.name()).isEqualTo("inner");
                StepVerifier.create(i.qga().flatMap(QgaClient::ping)).expectComplete().verify(STEP);
            }
        }
    }

    @ExtendWith(OnlyThroughTestKit.class)
    @QemuVms
    static class NeverBoots {

        @BootVm
        static final VmDeclaration stuck = VmDeclaration.of(guest(4),
                BootProbe.serialMarker("this line never comes").withTimeout(Duration.ofSeconds(5)));

        @Test
        void usesTheVm(@Vm("stuck") RunningVm vm) {
            fail("must not run: the VM did not boot");
        }

        @Test
        void doesNotUseIt() {
            fail("must not run either: the class's VMs did not boot");
        }
    }

    /** A clone of a template the extension makes, fresh for each test: what one test writes, the next does not see. */
    @ExtendWith(OnlyThroughTestKit.class)
    @QemuVms
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ResetPerTest {

        static final GuestKit kit = GuestKit.locate();
        static final VmSpec spec = guest(7);

        // docs/junit.md's and docs/templates.md's example, verbatim (DocSnippetsTest)
        @BootVm   // a fresh VM for every test: what one test does to it, the next one does not see
        static final VmDeclaration dut = VmDeclaration.of(spec, BootProbe.all(kit.readyProbe(), BootProbe.qga()))
                .resetToTemplateBeforeEachTest();

        static long firstPid;

        @Test
        @Order(1)
        void writesIntoItsVm(@Vm("dut") RunningVm vm) {
            firstPid = vm.pid();
            assertThat(vm.qga().flatMap(a -> a.exec("/bin/sh", "-c", "echo dirty > /tmp/dirty")).block(STEP).exitCode()).isZero();
        }

        @Test
        @Order(2)
        void getsAFreshCloneThatDoesNotSeeIt(@Vm("dut") RunningVm vm) {
            assertThat(vm.pid()).isNotEqualTo(firstPid);
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
            assertThat(vm.qga().flatMap(a -> a.exec("/bin/cat", "/tmp/dirty")).block(STEP).exitCode()).isNotZero();
        }
    }
}
