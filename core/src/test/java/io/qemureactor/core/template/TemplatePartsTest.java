package io.qemureactor.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.VmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template's pure parts: RAM file rendering, the guest-visible argv, migration paths, the manifest. */
class TemplatePartsTest {

    private static VmSpec.Builder spec(int id) {
        return VmSpec.builder().id(id).memoryMib(256).accelerator(Accelerator.TCG)
                .bootSource(BootSource.kernel(Path.of("/k/vmlinuz"), Path.of("/k/initrd.img"), ""));
    }

    @Test
    void aRamFileIsAMemoryBackendFileSharedOrPrivate() {
        VmSpec s = spec(1).memoryBackend(MemoryBackend.ramFile(Path.of("/t/ram"), false)).build();
        List<String> argv = QemuCommandLine.render(s, Accelerator.TCG, RunLayout.in(Path.of("/run/x"))).argv();
        assertThat(argv).contains("memory-backend-file,id=mem,size=256M,mem-path=/t/ram,share=off");
    }

    @Test
    void clonesDifferingInNameAndIdOnlyHaveTheTemplatesGuestConfig() {
        GuestConfig template = GuestConfig.of(spec(1).name("a").build(), Accelerator.TCG);
        GuestConfig clone = GuestConfig.of(spec(7).name("b").memoryBackend(MemoryBackend.memfd()).build(), Accelerator.TCG);
        assertThat(template.difference(clone)).isEmpty();
        assertThat(template.digest()).isEqualTo(clone.digest()).hasSize(64);

        GuestConfig bigger = GuestConfig.of(spec(1).memoryMib(512).build(), Accelerator.TCG);
        assertThat(template.difference(bigger)).hasValueSatisfying(d -> assertThat(d)
                .startsWith("-object 'memory-backend-file,id=mem,size=256M").contains("size=512M"));
    }

    @Test
    void macsAreNotPartOfTheGuestConfigButTheNicsAre() {
        GuestConfig template = GuestConfig.of(spec(1).userNetwork(io.qemureactor.core.spec.UserNetwork.noForward()).build(),
                Accelerator.TCG);
        GuestConfig clone = GuestConfig.of(spec(2).userNetwork(io.qemureactor.core.spec.UserNetwork.noForward()).build(),
                Accelerator.TCG);
        assertThat(template.difference(clone)).isEmpty();
        assertThat(template.argv()).anySatisfy(a -> assertThat(a).contains("netdev=mgmt,mac=*"));
        assertThat(template.difference(GuestConfig.of(spec(1).build(), Accelerator.TCG))).isPresent();
    }

    @Test
    void aClonesNicIdentityIsWhatDiffersFromTheTemplate() {
        VmSpec clone = spec(2).userNetwork(io.qemureactor.core.spec.UserNetwork.noForward()).build();
        String cloneMac = clone.nics().get(0).mac().toString();
        assertThat(NicIdentity.of(Map.of("mgmt", cloneMac), clone, Map.of()).isEmpty()).isTrue();
        assertThat(NicIdentity.of(Map.of("mgmt", "52:54:00:00:01:aa"), clone, Map.of()).isEmpty()).isFalse();
        assertThat(NicIdentity.of(Map.of("mgmt", cloneMac), clone, Map.of("mgmt", "10.0.0.2/24")).isEmpty()).isFalse();
        assertThatThrownBy(() -> NicIdentity.of(Map.of(), clone, Map.of("net7", "10.0.0.2/24")))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessage("vm2: an address is given for NIC net7, which the VM does not have (its NICs: mgmt)");
        assertThatThrownBy(() -> CloneOptions.defaults().withAddress("mgmt", "10.0.0.300/24"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an IPv4 address with a prefix");
    }

    @Test
    void migrationPathsAreShellSafeOrRefused() {
        assertThat(MigrationFile.readUri(Path.of("/tmp/t-1/state.bin"))).isEqualTo("exec:cat /tmp/t-1/state.bin");
        assertThat(MigrationFile.writeUri(Path.of("/tmp/t/state.bin"))).isEqualTo("exec:cat > /tmp/t/state.bin");
        for (String bad : List.of("/tmp/a b", "/tmp/a'b", "/tmp/a;b", "/tmp/$(x)", "relative")) {
            assertThatThrownBy(() -> MigrationFile.checked(Path.of(bad))).isInstanceOf(InvalidTemplateException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void theManifestRoundTripsAndRefusesWhatItCannotRead() {
        TemplateManifest m = new TemplateManifest("qemu-system-x86_64", "7.2.22 (Debian 1:7.2)", Accelerator.TCG, 256, 1,
                List.of("-m", "256M"), "ab", 320_000, "cd", Instant.parse("2026-12-02T08:00:00Z"), Map.of("cli.mode", "DEFAULT"));
        assertThat(TemplateManifest.parse(m.toJson(), "m")).isEqualTo(m);
        TemplateManifest withNic = new TemplateManifest(m.qemuProgram(), m.qemuVersion(), m.accelerator(), m.memoryMib(),
                m.vcpus(), m.guestArgv(), m.argvDigest(), m.stateBytes(), m.stateSha256(), m.createdAt(), m.origin(),
                Map.of("mgmt", "52:54:00:00:01:02"));
        assertThat(TemplateManifest.parse(withNic.toJson(), "m")).isEqualTo(withNic);
        assertThat(m.ramBytes()).isEqualTo(256L << 20);
        assertThatThrownBy(() -> TemplateManifest.parse("{nope".getBytes(StandardCharsets.UTF_8), "T/manifest.json"))
                .isInstanceOf(InvalidTemplateException.class).hasMessageStartingWith("T/manifest.json is not valid JSON");
        assertThatThrownBy(() -> TemplateManifest.parse("{\"format\":1}".getBytes(StandardCharsets.UTF_8), "T/manifest.json"))
                .isInstanceOf(InvalidTemplateException.class).hasMessageContaining("has no 'guestArgv'");
        assertThatThrownBy(() -> TemplateManifest.parse("{\"format\":9}".getBytes(StandardCharsets.UTF_8), "T/manifest.json"))
                .isInstanceOf(InvalidTemplateException.class).hasMessageContaining("format 9");
    }
}
