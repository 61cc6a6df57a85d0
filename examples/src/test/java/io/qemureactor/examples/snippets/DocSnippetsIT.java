package io.qemureactor.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.Accelerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(DutTest.class)).execute()
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void junitDocsExampleBootsThreeVmsAndPasses() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(TwoGuestsTest.class)).execute()
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
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
}
