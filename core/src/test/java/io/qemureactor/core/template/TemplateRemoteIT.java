package io.qemureactor.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.UserNetwork;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.ForwardingHost;
import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.core.vm.GuestNic;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Templates on other hosts, and clones with an identity of their own, against real QEMU, the test guest and the
 * sshd fixture on 127.0.0.1: a template with a NIC is copied to the SSH host once (a second restorer finds the
 * copy and copies nothing), each clone ends with its spec's MAC and its own hostname as the guest itself reports
 * them through its agent, the clones are the host reaper's while they run, and nothing but the cached copy is
 * left once they stop. A host that can take no copy and lacks the template is refused in one line.
 */
@ExtendWith(SshdExtension.class)
class TemplateRemoteIT {

    private static final Duration BOOT = Duration.ofSeconds(300);
    private static final Duration STOP = Duration.ofSeconds(120);

    private static final GuestKit kit = GuestKit.locate();
    private static TemplateScratch space;
    private static Path scratch;
    private static Path runBase;
    private static QemuLauncher launcher;
    private static VmTemplate template;

    @BeforeAll
    static void makeTemplateWithANic() throws IOException {
        space = TemplateScratch.create("qr-tplr-");
        scratch = space.folder();
        runBase = space.runBase();
        launcher = space.launcher();
        template = new TemplateMaker(launcher)
                .create(scratch.resolve("t"), spec(1), BootProbe.all(kit.readyProbe().withTimeout(BOOT), BootProbe.qga().withTimeout(BOOT)))
                .block(BOOT);
    }

    @AfterAll
    static void removeScratch() throws IOException {
        if (space != null) {
            space.remove();
        }
    }

    /** The test guest with one virtio-net NIC (user networking): its MAC derives from the id. */
    private static VmSpec spec(int id) {
        return kit.spec(id, Flavour.DEFAULT).accelerator(Accelerator.TCG).userNetwork(UserNetwork.noForward()).build();
    }

    @Test
    void twoRestoresOnAnSshHostCopyTheTemplateOnceAndEachCloneHasItsOwnMacAndHostname(Sshd sshd) throws IOException {
        SshHost host = SshHosts.to(sshd);
        List<RunningVm> clones = new ArrayList<>();
        try {
            TemplateRestorer first = new TemplateRestorer(launcher);
            clones.add(first.restore(host, template, spec(2), CloneOptions.defaults().withHostname("clone2")
                    .withAddress("mgmt", "10.0.2.32/24")).block(BOOT));
            assertThat(first.copies()).isEqualTo(1);
            Path copy = Path.of(first.hostCacheFolder(), template.digest());
            BasicFileAttributes ram = Files.readAttributes(copy.resolve(VmTemplate.RAM_FILE), BasicFileAttributes.class);

            // another restorer (another JVM's, as far as it knows): it finds the complete copy on the host
            TemplateRestorer second = new TemplateRestorer(launcher);
            clones.add(second.restore(host, template, spec(3), CloneOptions.defaults().withHostname("clone3")).block(BOOT));
            assertThat(second.copies()).isZero();
            BasicFileAttributes again = Files.readAttributes(copy.resolve(VmTemplate.RAM_FILE), BasicFileAttributes.class);
            assertThat(again.fileKey()).isEqualTo(ram.fileKey());
            assertThat(again.lastModifiedTime()).isEqualTo(ram.lastModifiedTime());
            // the clones map the copy, not the template's own file
            assertThat(clones).allSatisfy(vm -> assertThat(vm.argv()).anySatisfy(a -> assertThat(a)
                    .contains("mem-path=" + copy.resolve(VmTemplate.RAM_FILE) + ",share=off")));
            assertThat(host.reaper().size()).isEqualTo(2);

            List<String> macs = new ArrayList<>();
            for (RunningVm clone : clones) {
                String expected = clone.spec().nics().get(0).mac().toString().toLowerCase(java.util.Locale.ROOT);
                assertThat(expected).isNotEqualTo(template.manifest().nicMacs().get("mgmt"));
                String inGuest = clone.qga().flatMap(a -> a.exec("/bin/cat", "/sys/class/net/eth0/address")).block(STOP)
                        .stdout().strip();
                assertThat(inGuest).isEqualTo(expected);
                macs.add(inGuest);
                String name = clone.qga().flatMap(a -> a.exec("/bin/hostname")).block(STOP).stdout().strip();
                assertThat(name).isEqualTo("clone" + clone.spec().id());
                // the engine's own view agrees: the spec's NIC is found in the guest by its (new) MAC
                assertThat(clone.guestInterfaces().block(STOP)).extracting(GuestNic::netdevId, GuestNic::guestName)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("mgmt", "eth0"));
            }
            assertThat(macs).doesNotHaveDuplicates();
            String addresses = clones.get(0).qga().flatMap(a -> a.exec("/bin/sh", "-c", "ip -f inet addr show dev eth0"))
                    .block(STOP).stdout();
            assertThat(addresses).contains("inet 10.0.2.32/24");

            Flux.fromIterable(clones).flatMap(RunningVm::shutdown).then().block(STOP);
            for (RunningVm clone : clones) {
                assertThat(ProcessHandle.of(clone.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(Path.of(clone.runFolder())).doesNotExist();
            }
            clones.clear();
            assertThat(host.reaper().size()).isZero();
            // what stays is the copy for the next restore: no half copy, no run folder
            try (Stream<Path> left = Files.list(runBase)) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("templates");
            }
            try (Stream<Path> left = Files.list(copy.getParent())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly(template.digest());
            }
        } finally {
            Flux.fromIterable(clones).flatMap(RunningVm::kill).then().block(STOP);
            host.close().block(STOP);
        }
    }

    @Test
    void aHostThatCannotTakeACopyAndLacksTheTemplateIsRefusedBeforeAnythingStarts() throws IOException {
        Path elsewhere = Files.createTempDirectory(scratch, "gone-");
        Files.createLink(elsewhere.resolve(VmTemplate.RAM_FILE), template.ramFile());
        Files.copy(template.stateFile(), elsewhere.resolve(VmTemplate.STATE_FILE), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(template.folder().resolve(TemplateManifest.FILE), elsewhere.resolve(TemplateManifest.FILE));
        VmTemplate opened = VmTemplate.open(elsewhere).block(STOP);
        // the host's copy of the template is gone after it was opened here
        Files.delete(elsewhere.resolve(TemplateManifest.FILE));

        // a cache of its own: the first test's copy (same manifest, same digest) would be found and used
        Path otherRunBase = scratch.resolve("run-no-copies");
        TemplateRestorer restorer = new TemplateRestorer(new QemuLauncher(LaunchOptions.defaults()
                .withRunBase(otherRunBase.toString())));
        assertThatThrownBy(() -> restorer.restore(new NoCopies(), opened, spec(4), CloneOptions.defaults()).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessage("vm4: template " + elsewhere + " is not on no-copies, which cannot receive a copy of it: put"
                        + " the template's files at " + elsewhere + " there");
        assertThat(otherRunBase).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    }

    /** This machine under another name, without a reaper and unable to take copies: fault injection. */
    private static final class NoCopies extends ForwardingHost {
        NoCopies() {
            super(LocalHost.instance());
        }

        @Override
        public String name() {
            return "no-copies";
        }

        @Override
        public io.qemureactor.core.host.Reaper reaper() {
            return io.qemureactor.core.host.Reaper.none();
        }

        @Override
        public Mono<String> copyFrom(Path local, String path) {
            return Mono.error(new UnsupportedOperationException(name() + " cannot receive file copies"));
        }
    }
}
