package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code template create}, {@code boot --template} and {@code template delete} with the test guest under
 * TCG: the clones' JSON is boot's, the options the template fixes are refused in one line, nothing is left.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@ExtendWith(SshdExtension.class)
class TemplateCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path runBase;

    @TempDir
    Path files;

    @Test
    void createBootClonesAsJsonAndDelete() throws Exception {
        Path dir = files.resolve("T");
        CliRun create = CliRun.of("template", "create", dir.toString(), "--accel", "tcg", "--run-dir", runBase.toString(),
                "--setup", "echo from-setup > /tmp/setup");
        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).startsWith("template " + dir + ": 256 MiB RAM file");
        assertThat(dir.resolve("manifest.json")).exists();

        CliRun boot = CliRun.of("boot", "--template", dir.toString(), "--count", "2", "--json", "--run-dir", runBase.toString());
        assertThat(boot.exitCode()).as(boot.err()).isZero();
        JsonNode doc = JSON.readTree(boot.out());
        assertThat(doc.path("vms")).hasSize(2);
        for (JsonNode vm : doc.path("vms")) {
            assertThat(vm.path("accel").asText()).isEqualTo("tcg");
            assertThat(vm.path("qgaSocket").asText()).endsWith("/qga.sock");
            assertThat(vm.path("vcpus")).hasSize(1);
        }
        assertThat(doc.path("failed")).isEmpty();
        try (var left = Files.list(runBase)) {
            assertThat(left.toList()).as("run folders left").isEmpty();
        }

        CliRun mem = CliRun.of("boot", "--template", dir.toString(), "--mem", "512");
        assertThat(mem.exitCode()).isEqualTo(2);
        assertThat(mem.err().strip()).isEqualTo("error: --mem does not go with --template: the template fixes the guest");

        CliRun prefix = CliRun.of("boot", "--hostname-prefix", "dut");
        assertThat(prefix.exitCode()).isEqualTo(2);
        assertThat(prefix.err().strip()).isEqualTo(
                "error: --hostname-prefix goes with --template (a booted guest's hostname is its image's)");
        CliRun badPrefix = CliRun.of("boot", "--template", dir.toString(), "--hostname-prefix", "a_b");
        assertThat(badPrefix.exitCode()).isEqualTo(2);
        assertThat(badPrefix.err().strip()).startsWith("error: --hostname-prefix: hostname 'a_b1' is not a valid host name");
        CliRun kernel = CliRun.of("template", "create", files.resolve("K").toString(), "--mode", "kernel");
        assertThat(kernel.exitCode()).isEqualTo(2);
        assertThat(kernel.err().strip()).startsWith("error: --mode kernel cannot be a template: its 9p root is the host's");

        CliRun delete = CliRun.of("template", "delete", dir.toString());
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(dir).doesNotExist();

        CliRun missing = CliRun.of("boot", "--template", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("error: template " + dir + ": no such folder (make one with template create)");
    }

    /**
     * A template with a NIC, cloned twice on the test sshd with a hostname prefix: each clone's NIC has its own
     * MAC as the guest reports it (the JSON's nics come from the agent, matched by the clone's MAC), and the
     * template is copied to the host once, into the run dir's templates/ folder, which is all that is left.
     */
    @Test
    void clonesOnAnSshHostWithTheirOwnMacsAndHostnames(Sshd sshd) throws Exception {
        Path dir = files.resolve("N");
        CliRun create = CliRun.of("template", "create", dir.toString(), "--accel", "tcg", "--nics", "1",
                "--run-dir", runBase.toString());
        assertThat(create.exitCode()).as(create.err()).isZero();

        CliRun boot = CliRun.of("boot", "--template", dir.toString(), "--count", "2", "--hostname-prefix", "dut",
                "--host", sshd.uri(), "--identity", sshd.clientKey().toString(), "--known-hosts", sshd.knownHosts().toString(),
                "--json", "--run-dir", runBase.toString());
        assertThat(boot.exitCode()).as(boot.err()).isZero();
        JsonNode doc = JSON.readTree(boot.out());
        assertThat(doc.path("vms")).hasSize(2);
        Set<String> macs = new HashSet<>();
        for (JsonNode vm : doc.path("vms")) {
            assertThat(vm.path("host").asText()).startsWith("ssh://");
            JsonNode nics = vm.path("interfaces");
            assertThat(nics).as(vm.toString()).hasSize(1);
            assertThat(nics.get(0).path("name").asText()).isEqualTo("eth0");
            macs.add(nics.get(0).path("mac").asText());
        }
        assertThat(macs).hasSize(2);
        try (var left = Files.list(runBase)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("left in the run dir").containsExactly("templates");
        }
    }
}
