package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code template create}, {@code boot --template} and {@code template delete} with the test guest under
 * TCG: the clones' JSON is boot's, the options the template fixes are refused in one line, nothing is left.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
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
        assertThat(mem.err().strip()).isEqualTo("error: --mem does not go with --template: the template fixes the guest and runs here");

        CliRun delete = CliRun.of("template", "delete", dir.toString());
        assertThat(delete.exitCode()).as(delete.err()).isZero();
        assertThat(dir).doesNotExist();

        CliRun missing = CliRun.of("boot", "--template", dir.toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("error: template " + dir + ": no such folder (make one with template create)");
    }
}
