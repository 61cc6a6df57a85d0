package io.qemureactor.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.spec.HugepageSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {

    private static final String EXAMPLE = """
            {"hosts": [
              {"name": "local", "uri": "local", "cpus": "0-1", "maxVms": 4},
              {"name": "dut1", "uri": "ssh://csit@10.0.0.5:22", "identity": "~/.ssh/id_ed25519",
               "knownHosts": "/etc/ssh/ssh_known_hosts", "sudo": true,
               "cpus": "2-7", "hugepagesMib": 4096, "maxVms": 8, "sshPorts": "10022-10099"},
              {"name": "dut2", "uri": "ssh://csit@10.0.0.6", "hugepagesMib": {"2M": 1024, "1G": 2048}}
            ]}
            """;

    @Test
    void readsHostsAndCapacities(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("topology.json");
        Files.writeString(file, EXAMPLE);

        Topology t = Topology.load(file);

        assertThat(t.entries()).extracting(Topology.Entry::name).containsExactly("local", "dut1", "dut2");
        Topology.Entry local = t.entry("local").orElseThrow();
        assertThat(local.host()).isSameAs(LocalHost.instance());
        assertThat(local.capacity().cpus()).hasToString("0-1");
        assertThat(local.capacity().maxVms()).isEqualTo(4);

        Topology.Entry dut1 = t.entry("dut1").orElseThrow();
        SshHost ssh = (SshHost) dut1.host();
        assertThat(ssh.target().uri()).isEqualTo("ssh://csit@10.0.0.5:22");
        assertThat(ssh.target().identity()).hasValue(Path.of(System.getProperty("user.home"), ".ssh/id_ed25519"));
        assertThat(ssh.target().knownHosts()).isEqualTo(Path.of("/etc/ssh/ssh_known_hosts"));
        assertThat(ssh.target().sudo()).isTrue();
        assertThat(ssh.target().verifyHostKeys()).isTrue();
        assertThat(dut1.capacity().cpus()).hasToString("2-7");
        assertThat(dut1.capacity().hugepageBudget(HugepageSize.SIZE_2M)).hasValue(4096L);
        assertThat(dut1.capacity().sshPorts()).hasValue(new PortRange(10022, 10099));

        Topology.Entry dut2 = t.entry("dut2").orElseThrow();
        assertThat(((SshHost) dut2.host()).target().port()).isEqualTo(22);
        assertThat(dut2.capacity().cpus().isEmpty()).as("an ssh host declares its CPUs or has none").isTrue();
        assertThat(dut2.capacity().hugepageBudget(HugepageSize.SIZE_1G)).hasValue(2048L);
        assertThat(dut2.capacity().maxVms()).isEqualTo(HostCapacity.UNLIMITED_VMS);

        List<FleetHost> hosts = t.fleetHosts();
        assertThat(hosts).extracting(FleetHost::name).containsExactly("local", "dut1", "dut2");
        assertThat(hosts.get(1).ledger().freeCpus()).hasToString("2-7");
    }

    @Test
    void aLocalHostWithoutCpusOffersThoseOfThisMachine() {
        Topology t = Topology.parse("{\"hosts\":[{\"name\":\"local\",\"uri\":\"local\"}]}", "t.json");
        assertThat(t.entries().get(0).capacity().cpus().size()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void errorsNameTheSourceAndTheField() {
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"cpus\":\"0-x\"}]}",
                "topology t.json: hosts[0].cpus: '0-x' is not a CPU list");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\"},{\"uri\":\"local\"}]}",
                "topology t.json: hosts[1].name: required");
        assertError("{\"hosts\":[{\"name\":\"a\"}]}", "topology t.json: hosts[0].uri: required: local or ssh://user@host[:port]");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"http://x\"}]}",
                "topology t.json: hosts[0].uri: 'http://x' is neither local nor ssh://user@host[:port]");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"cpu\":\"1\"}]}",
                "topology t.json: hosts[0]: unknown field 'cpu'");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"maxVms\":-1}]}",
                "topology t.json: hosts[0].maxVms: expected a whole number >= 0, got -1");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"maxVms\":\"8\"}]}",
                "topology t.json: hosts[0].maxVms: expected a whole number >= 0, got \"8\"");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"hugepagesMib\":{\"4K\":1}}]}",
                "topology t.json: hosts[0].hugepagesMib.4K: unknown page size (known: 2M, 1G)");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"hugepagesMib\":{\"1G\":1500}}]}",
                "topology t.json: hosts[0].hugepagesMib.1G: 1500 MiB is not a whole number of 1G pages");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"ssh://u@h\",\"sudo\":\"yes\"}]}",
                "topology t.json: hosts[0].sudo: expected true or false, got \"yes\"");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"sudo\":true}]}",
                "topology t.json: hosts[0].sudo: only for ssh:// hosts, and uri is local");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\",\"sshPorts\":\"9-x\"}]}",
                "topology t.json: hosts[0].sshPorts: '9-x' is not a port range");
        assertError("{\"hosts\":[{\"name\":\"a\",\"uri\":\"local\"},{\"name\":\"a\",\"uri\":\"ssh://u@h\"}]}",
                "topology t.json: hosts[1].name: 'a' is used by an earlier host");
        assertError("{\"hosts\":[]}", "topology t.json: hosts: expected a non-empty array");
        assertError("{\"nodes\":[]}", "topology t.json: unknown field 'nodes'");
        assertError("{\"hosts\":[", "topology t.json: not JSON");
    }

    @Test
    void aMissingFileSaysWhich(@TempDir Path dir) {
        assertThatThrownBy(() -> Topology.load(dir.resolve("nope.json")))
                .isInstanceOf(TopologyException.class).hasMessageContaining("cannot read topology " + dir.resolve("nope.json"));
    }

    private static void assertError(String json, String message) {
        assertThatThrownBy(() -> Topology.parse(json, "t.json")).isInstanceOf(TopologyException.class)
                .hasMessageStartingWith(message);
    }
}
