package io.qemureactor.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.vswitch.PortCounters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs the documentation's examples that are not a whole program of their own (those are the
 * classes of {@code io.qemureactor.examples}, run by ExamplesIT), against the test guest, on this
 * 2-core machine; the JUnit examples through the JUnit engine, as a user's build runs them.
 * DocSnippetsTest checks that each one is the documentation's text, verbatim.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DocSnippetsIT {

    @Test
    void readmesJUnitExampleBootsItsVmAndPasses() {
        assertPassesOneTest(DutTest.class);
    }

    @Test
    void junitDocsExampleBootsThreeVmsAndPasses() {
        assertPassesOneTest(TwoGuestsTest.class);
    }

    /** Runs the class as a user's build would; a failure shows the test's own exception, not only a count. */
    private static void assertPassesOneTest(Class<?> testClass) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
        List<Throwable> failures = results.allEvents().failed().stream()
                .flatMap(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).stream())
                .toList();
        assertThat(failures).as("what failed inside %s", testClass.getSimpleName()).isEmpty();
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void fleetDocsTopologyExamplePlacesTheFleetOnItsHosts(@TempDir Path dir) throws Exception {
        Path topologyFile = dir.resolve("topology.json");
        Files.writeString(topologyFile, """
                {"hosts": [{"name": "here", "uri": "local", "maxVms": 2}]}
                """);
        GuestKit kit = GuestKit.ensure().block();
        List<FleetMember> members = List.of(
                FleetMember.of(kit.spec(1, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build(), kit.readyProbe()),
                FleetMember.of(kit.spec(2, GuestKit.Flavour.DEFAULT).accelerator(Accelerator.TCG).build(), kit.readyProbe()));

        Map<String, String> placement = TopologyDocSnippet.run(topologyFile, QemuLauncher.withDefaults(), members);

        assertThat(placement).containsExactlyInAnyOrderEntriesOf(Map.of("vm1", "here", "vm2", "here"));
    }

    @Test
    void fleetDocBootsThreeGuestsRunsUnameInEachAndStopsThem() {
        List<String> kernels = FleetDocSnippet.run();

        assertThat(kernels).hasSize(3).allSatisfy(k -> assertThat(k).startsWith("6."));
    }

    @Test
    void commandLineDocRendersTheSpecIntoArgv(@TempDir Path dir) {
        List<String> argv = CommandLineDocSnippet.argv(dir.resolve("vm1"));

        assertThat(argv.get(0)).isEqualTo("qemu-system-x86_64");
        assertThat(argv).contains("-nodefaults", "-smp").anySatisfy(a -> assertThat(a).contains("/run/vpp/sock-1-1"));
    }

    @Test
    void networkFunctionsDocGeneratesVppFilesAndItsInitScript() {
        NetworkFunctionsDocSnippet.Generated generated = NetworkFunctionsDocSnippet.vppFiles();

        assertThat(generated.files()).isNotEmpty();
        assertThat(generated.init()).isEqualTo(Path.of("/tmp/qr/vnf1/init.sh"));
        assertThat(generated.files()).anySatisfy(f -> assertThat(f.relativePath()).isEqualTo(Path.of("init.sh")));
    }

    @Test
    void networkFunctionsDocBootsAKernelVmReadsItsOutputAndStopsIt() {
        String line = NetworkFunctionsDocSnippet.kernelVm();

        assertThat(line).contains("Press enter to exit");
    }

    @Test
    void datapathDocStartsTheSwitchCountsAndStopsIt(@TempDir Path dir) throws Exception {
        List<PortCounters> counters = VSwitchDocSnippet.run(dir.toString());

        assertThat(counters).extracting(PortCounters::port).containsExactly(0, 1);
        try (var left = Files.list(dir)) {
            assertThat(left).as("the switch's run folder is removed when stop() completes").isEmpty();
        }
    }
}
