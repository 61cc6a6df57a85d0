package io.qemureactor.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetEvent;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.qga.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Templates against real QEMU and the test guest under TCG: one template made from the guest kit, clones
 * restored from it that answer their agents, run commands and are stopped like booted VMs; bad templates
 * refused before anything starts; a restore that fails while loading leaves nothing behind.
 */
class TemplateIT {

    private static final Duration BOOT = Duration.ofSeconds(300);
    private static final Duration STOP = Duration.ofSeconds(120);

    private static final GuestKit kit = GuestKit.locate();
    private static Path scratch;
    private static Path runBase;
    private static QemuLauncher launcher;
    private static VmTemplate template;

    @BeforeAll
    static void makeTemplate() throws IOException {
        scratch = Files.createTempDirectory(Path.of("/tmp"), "qr-tpl-");
        runBase = Files.createDirectories(scratch.resolve("run"));
        launcher = new QemuLauncher(LaunchOptions.defaults().withRunBase(runBase.toString()));
        template = new TemplateMaker(launcher)
                .create(scratch.resolve("t"), spec(1), BootProbe.all(kit.readyProbe(), BootProbe.qga()),
                        vm -> vm.qga().flatMap(a -> a.exec("/bin/sh", "-c", "echo made-in-template > /tmp/mark")).then(),
                        Map.of("by", "TemplateIT"))
                .block(BOOT);
    }

    @AfterAll
    static void removeScratch() throws IOException {
        if (scratch != null) {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static VmSpec spec(int id) {
        return kit.spec(id, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
    }

    @Test
    void twoClonesAnswerTheirAgentsRunCommandsAndLeaveNothingWhenStopped() {
        assertThat(template.manifest().stateBytes()).isLessThan(template.manifest().ramBytes() / 10); // no RAM in the stream
        assertThat(Path.of(runBase.toString())).isEmptyDirectory(); // the template's own VM is gone
        TemplateRestorer restorer = new TemplateRestorer(launcher);
        Instant before = Instant.now();

        List<RunningVm> clones = Flux.merge(
                        restorer.restore(LocalHost.instance(), template, spec(2), CloneOptions.defaults().withHostname("clone2")),
                        restorer.restore(template, spec(3)))
                .collectList().block(BOOT);
        try {
            assertThat(clones).hasSize(2);
            assertThat(clones.get(0).pid()).isNotEqualTo(clones.get(1).pid());
            assertThat(clones.get(0).runFolder()).isNotEqualTo(clones.get(1).runFolder());
            for (RunningVm clone : clones) {
                // the setup step's file, made before the save, is in every clone
                ExecResult mark = clone.qga().flatMap(a -> a.exec("/bin/cat", "/tmp/mark")).block(STOP);
                assertThat(mark.stdout()).isEqualTo("made-in-template\n");
                // the clock was set at restore, not left at the template's save
                long guestNanos = clone.qga().flatMap(a -> a.execute("guest-get-time", JsonNodeFactory.instance.objectNode())).block(STOP).asLong();
                assertThat(Instant.ofEpochSecond(0, guestNanos)).isAfter(before.minusSeconds(1));
                assertThat(clone.vcpuThreads().block(STOP)).hasSize(1);
                assertThat(clone.console()).isPresent();
                assertThat(clone.spec().memoryBackend()).isEqualTo(
                        io.qemureactor.core.spec.MemoryBackend.ramFile(template.ramFile(), false));
            }
            RunningVm named = clones.stream().filter(c -> c.name().equals("vm2")).findFirst().orElseThrow();
            assertThat(named.qga().flatMap(a -> a.exec("/bin/hostname")).block(STOP).stdout()).isEqualTo("clone2\n");
        } finally {
            Flux.fromIterable(clones).flatMap(RunningVm::shutdown).then().block(STOP);
        }
        for (RunningVm clone : clones) {
            assertThat(ProcessHandle.of(clone.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(Path.of(clone.runFolder())).doesNotExist();
        }
    }

    @Test
    void aFleetMixesAClonedMemberWithABootedOne() {
        TemplateRestorer restorer = new TemplateRestorer(launcher);
        List<FleetMember> members = List.of(
                restorer.member(template, spec(8), CloneOptions.defaults()),
                FleetMember.of(spec(9), BootProbe.qga()));
        Fleet fleet = Fleet.boot(launcher, members, FleetOptions.defaults());
        try {
            FleetResult result = fleet.ready().block(BOOT);
            assertThat(result.running()).extracting(RunningVm::name).containsExactly("vm8", "vm9");
            for (RunningVm vm : result.running()) {
                assertThat(vm.qga().flatMap(a -> a.exec("/bin/echo", "hi")).block(STOP).stdout()).isEqualTo("hi\n");
            }
            // the clone ran the template's setup step, the booted VM did not
            assertThat(result.vm("vm8").orElseThrow().qga().flatMap(a -> a.exec("/bin/cat", "/tmp/mark")).block(STOP).exitCode())
                    .isZero();
            assertThat(result.vm("vm9").orElseThrow().qga().flatMap(a -> a.exec("/bin/cat", "/tmp/mark")).block(STOP).exitCode())
                    .isNotZero();
        } finally {
            fleet.shutdown().block(STOP);
        }
        assertThat(fleet.events().filter(e -> e.vmName().equals("vm8")).map(FleetEvent::type).collectList().block(STOP))
                .containsExactly(FleetEvent.Type.LAUNCHED, FleetEvent.Type.QMP_CONNECTED, FleetEvent.Type.READY,
                        FleetEvent.Type.STOPPED);
        assertThat(runBase).isEmptyDirectory();
    }

    /** docs/templates.md's example, as written there. */
    @Test
    void theDocsExampleRuns() {
        // --- docs/templates.md: begin ---
        QemuLauncher launcher = QemuLauncher.withDefaults();
        GuestKit kit = GuestKit.locate();
        VmSpec spec = kit.spec(1, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
        TemplateMaker maker = new TemplateMaker(launcher);
        TemplateRestorer restorer = new TemplateRestorer(launcher);

        Mono.usingWhen(
                maker.create(Path.of("/tmp/qr-templates/guest"), spec, BootProbe.all(kit.readyProbe(), BootProbe.qga())),
                template -> Flux.range(2, 2)                          // two clones, ids 2 and 3
                        .flatMap(id -> Mono.usingWhen(
                                restorer.restore(template, kit.spec(id, Flavour.DEFAULT).accelerator(Accelerator.TCG).build()),
                                vm -> vm.qga().flatMap(agent -> agent.exec("/bin/uname", "-r"))
                                        .doOnNext(result -> System.out.println(vm.name() + ": " + result.stdout().strip())),
                                RunningVm::shutdown))                 // each clone stops, whatever its step did
                        .then(),
                VmTemplate::delete)                                   // and the template's files go, whatever happened
                .block();
        // --- docs/templates.md: end ---
        assertThat(Path.of("/tmp/qr-templates/guest")).doesNotExist();
        try {
            Files.deleteIfExists(Path.of("/tmp/qr-templates"));
        } catch (IOException e) {
            // another run's template is there: leave it
        }
    }

    @Test
    void aChangedSpecIsRefusedBeforeAnythingStarts() {
        VmSpec bigger = kit.spec(4, Flavour.DEFAULT).accelerator(Accelerator.TCG).memoryMib(512).build();
        assertThatThrownBy(() -> new TemplateRestorer(launcher).restore(template, bigger).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("was made from another spec")
                .hasMessageContaining("size=256M").hasMessageContaining("size=512M");
        assertThat(runBase).isEmptyDirectory();
    }

    @Test
    void anotherQemuVersionIsRefusedBeforeAnythingStarts() throws IOException {
        Path copy = copyOf(template);
        TemplateManifest m = template.manifest();
        Files.write(copy.resolve(TemplateManifest.FILE), new TemplateManifest(m.qemuProgram(), "6.0.0 (elsewhere)",
                m.accelerator(), m.memoryMib(), m.vcpus(), m.guestArgv(), m.argvDigest(), m.stateBytes(), m.stateSha256(),
                m.createdAt(), m.origin()).toJson());
        VmTemplate other = VmTemplate.open(copy).block(STOP);

        assertThatThrownBy(() -> new TemplateRestorer(launcher).restore(other, spec(5)).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("was made by QEMU 6.0.0 (elsewhere)");
        assertThat(runBase).isEmptyDirectory();
    }

    @Test
    void missingOrTruncatedFilesAreRefusedWhenOpened() throws IOException {
        Path truncated = copyOf(template);
        try (var ch = Files.newByteChannel(truncated.resolve(VmTemplate.STATE_FILE), java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        assertThatThrownBy(() -> VmTemplate.open(truncated).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("state.bin has 100 bytes, the manifest says");

        Path missing = copyOf(template);
        Files.delete(missing.resolve(VmTemplate.RAM_FILE));
        assertThatThrownBy(() -> VmTemplate.open(missing).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("ram is missing");

        assertThatThrownBy(() -> VmTemplate.open(scratch.resolve("nothing-here")).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("no such folder");
    }

    @Test
    void aRestoreThatFailsWhileLoadingKillsItsQemuAndRemovesItsFolder() throws IOException {
        // fault injection: a state file of the right size and checksum whose contents QEMU cannot load
        Path broken = copyOf(template);
        byte[] garbage = new byte[(int) template.manifest().stateBytes()];
        new Random(13).nextBytes(garbage);
        Files.write(broken.resolve(VmTemplate.STATE_FILE), garbage);
        TemplateManifest m = template.manifest();
        Files.write(broken.resolve(TemplateManifest.FILE), new TemplateManifest(m.qemuProgram(), m.qemuVersion(),
                m.accelerator(), m.memoryMib(), m.vcpus(), m.guestArgv(), m.argvDigest(), m.stateBytes(),
                VmTemplate.sha256(broken.resolve(VmTemplate.STATE_FILE)), m.createdAt(), m.origin()).toJson());
        VmTemplate bad = VmTemplate.open(broken).block(STOP);

        assertThatThrownBy(() -> new TemplateRestorer(launcher).restore(bad, spec(6)).block(STOP))
                .isInstanceOf(VmLaunchException.class)
                .hasMessageStartingWith("vm6 on localhost failed to boot");
        launcher.settled().block(STOP);
        assertThat(runBase).isEmptyDirectory();
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("qemu-system")).orElse(false)).toList()).isEmpty();
    }

    @Test
    void aFolderWithSpacesIsRefusedInOneLine() {
        assertThatThrownBy(() -> new TemplateMaker(launcher).create(scratch.resolve("a b"), spec(7), BootProbe.qga()).block(STOP))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("may only hold letters, digits");
        assertThat(scratch.resolve("a b")).doesNotExist();
    }

    /** A copy of the template's files in a new folder (the RAM file as a hard link: 256 MiB stay shared). */
    private static Path copyOf(VmTemplate t) throws IOException {
        Path copy = Files.createTempDirectory(scratch, "copy-");
        Files.createLink(copy.resolve(VmTemplate.RAM_FILE), t.ramFile());
        Files.copy(t.stateFile(), copy.resolve(VmTemplate.STATE_FILE), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(t.folder().resolve(TemplateManifest.FILE), copy.resolve(TemplateManifest.FILE));
        return copy;
    }
}
