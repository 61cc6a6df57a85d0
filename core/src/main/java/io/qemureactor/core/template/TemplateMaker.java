package io.qemureactor.core.template;

import io.qemureactor.core.QemuBinary;
import io.qemureactor.core.QemuVersion;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.ShutdownPolicy;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Makes a {@link VmTemplate} on this machine: boots the spec with its RAM in {@code FOLDER/ram} mapped
 * shared, waits for the probe, runs the optional setup step (e.g. commands through the agent), pauses the
 * guest, saves its devices to {@code FOLDER/state.bin} with {@code x-ignore-shared} (the RAM is already in
 * the file), stops QEMU without resuming the guest (a guest that ran on would change the RAM under the saved
 * devices), and writes the manifest last: a folder without a manifest is not a template. A failure or a
 * cancel stops the VM (through the launcher) and removes what was written.
 */
public final class TemplateMaker {

    /** How long {@code cat} may take to finish writing the state after QEMU reported the save completed. */
    private static final Duration FILE_WAIT = Duration.ofSeconds(30);

    private final QemuLauncher launcher;

    /**
     * A maker that boots through {@code launcher} (its options pick the QEMU binary and run base).
     *
     * @param launcher the launcher that boots and stops the template's VM
     */
    public TemplateMaker(QemuLauncher launcher) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
    }

    /**
     * A template of {@code spec} once {@code probe} says it is ready, with no setup step.
     *
     * @param folder where the template goes on this machine; must not exist or be empty
     * @param spec what to boot
     * @param probe when the guest is ready; clones need a guest agent channel
     * @return as {@link #create(Path, VmSpec, BootProbe, Function, Map)}
     */
    public Mono<VmTemplate> create(Path folder, VmSpec spec, BootProbe probe) {
        return create(folder, spec, probe, vm -> Mono.empty(), Map.of());
    }

    /**
     * Makes a template in {@code folder} (created; it must not exist or be empty).
     *
     * @param spec   what to boot; its memory backend is replaced by the template's RAM file, its accelerator
     *               resolved (AUTO becomes KVM or TCG) and recorded
     * @param probe  when the guest is ready; clones need a guest agent channel
     * @param setup  runs on the ready VM before it is saved (its effects are in every clone)
     * @param origin notes kept in the manifest
     * @param folder where the template goes on this machine; must not exist or be empty
     * @return a cold Mono of the template once its manifest is written; fails with {@link InvalidTemplateException} for a spec that cannot be saved (e.g. a 9p root) or a bad folder, with the launcher's errors if the boot fails
     */
    public Mono<VmTemplate> create(Path folder, VmSpec spec, BootProbe probe, Function<RunningVm, Mono<Void>> setup,
                                   Map<String, String> origin) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(setup, "setup");
        Objects.requireNonNull(origin, "origin");
        return Mono.defer(() -> {
            Path dir = MigrationFile.checked(folder.toAbsolutePath().normalize());
            if (spec.bootSource() instanceof io.qemureactor.core.spec.BootSource.KernelBoot k && k.ninePRoot().isPresent()) {
                return Mono.error(new InvalidTemplateException(spec.name() + " cannot be a template: its root is the host's"
                        + " file system over 9p, live and shared, which a saved guest cannot resume on safely"));
            }
            Host host = LocalHost.instance();
            String program = launcher.options().qemuBinary().orElse(spec.arch().qemuBinary());
            Mono<VmTemplate> made = launcher.resolveAccelerator(host, spec, program)
                    .zipWith(QemuBinary.of(host, program).version())
                    .flatMap(t -> make(host, dir, spec, t.getT1(), t.getT2(), program, probe, setup, origin));
            // the folder is the host reaper's until the template is complete: if this JVM dies meanwhile, the
            // reaper stops the template's QEMU (its argv names the folder) and removes the partial 256 MiB files
            return emptyFolder(dir).then(host.reaper().trackFolder(dir.toString())).flatMap(entry -> made
                    .flatMap(template -> entry.forget().thenReturn(template))
                    .onErrorResume(e -> removeFiles(dir).then(entry.forget()).then(Mono.error(e)))
                    .doOnCancel(() -> removeFiles(dir).then(entry.forget()).subscribe(v -> { }, e -> { })));
        });
    }

    private Mono<VmTemplate> make(Host host, Path dir, VmSpec spec, Accelerator accel, QemuVersion version, String program,
                                  BootProbe probe, Function<RunningVm, Mono<Void>> setup, Map<String, String> origin) {
        VmSpec templateSpec = spec.toBuilder().accelerator(accel)
                .memoryBackend(MemoryBackend.ramFile(dir.resolve(VmTemplate.RAM_FILE), true)).build();
        Mono<Void> bootAndSave = Mono.usingWhen(launcher.start(host, templateSpec, probe),
                vm -> Mono.defer(() -> setup.apply(vm)).then(save(vm.qmp(), dir)),
                // paused, saved: QEMU quits without the guest running another instruction
                vm -> vm.shutdown(ShutdownPolicy.withoutGuest()),
                (vm, e) -> vm.kill(),
                RunningVm::kill);
        GuestConfig config = GuestConfig.of(spec, accel);
        return bootAndSave.then(Mono.fromCallable(() -> {
            Path state = dir.resolve(VmTemplate.STATE_FILE);
            TemplateManifest manifest = new TemplateManifest(program, version.toString(), accel, spec.memoryMib(),
                    spec.smp().vcpus(), config.argv(), config.digest(), Files.size(state), VmTemplate.sha256(state),
                    Instant.now(), origin, macs(spec));
            byte[] json = manifest.toJson();
            Files.write(dir.resolve(TemplateManifest.FILE), json);
            return new VmTemplate(dir, manifest, json);
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    /** Each NIC's MAC by netdev id: clones have these until their identity fix-up gives them their own. */
    private static Map<String, String> macs(VmSpec spec) {
        Map<String, String> macs = new java.util.LinkedHashMap<>();
        spec.nics().forEach(n -> macs.put(n.netdevId(), n.mac().toString()));
        return macs;
    }

    /**
     * {@code stop}, then {@code migrate} to the state file with {@code x-ignore-shared}. QEMU reports the
     * migration completed once it has written the stream into {@code cat}'s pipe, not once {@code cat} has
     * written the file: so cat writes {@code state.bin.part} and the shell renames it when cat is done, and
     * the save ends when {@code state.bin} exists.
     */
    private static Mono<Void> save(QmpClient qmp, Path dir) {
        Path state = dir.resolve(VmTemplate.STATE_FILE);
        Path part = dir.resolve(VmTemplate.STATE_FILE + ".part");
        String uri = MigrationFile.writeUri(part) + " && mv " + MigrationFile.checked(part) + " " + MigrationFile.checked(state);
        Mono<Void> written = Mono.fromCallable(() -> Files.exists(state))
                .filter(Boolean::booleanValue)
                // cat needs milliseconds: look again after 2, 4, 8 ... 128 ms
                .repeatWhenEmpty(tries -> tries.concatMap(i -> Mono.delay(Duration.ofMillis(2L << Math.min(i, 6)))))
                .then();
        return qmp.execute(QmpCommands.stop())
                .then(qmp.execute(QmpCommands.migrateSetCapability("x-ignore-shared", true)))
                .then(qmp.execute(QmpCommands.migrateSetCapability("events", true)))
                .then(qmp.awaitEvent(StateLoad::ended, qmp.execute(QmpCommands.migrate(uri))))
                .flatMap(e -> "completed".equals(StateLoad.status(e)) ? Mono.<Void>empty()
                        : qmp.execute(QmpCommands.queryMigrate()).flatMap(info -> Mono.error(new InvalidTemplateException(
                                "saving the VM's state to " + state + " failed: " + info.errorDesc().orElse(info.status())))))
                .then(written.timeout(FILE_WAIT, Mono.error(() -> new InvalidTemplateException("the state file " + state
                        + " was not written within " + FILE_WAIT.toSeconds() + " s after QEMU saved it", new TimeoutException()))));
    }

    /** Creates the folder, or accepts an empty one; a folder that holds anything (a template) is refused. */
    private static Mono<Void> emptyFolder(Path dir) {
        return Mono.<Void>fromCallable(() -> {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new InvalidTemplateException("template folder " + dir + " is not empty"
                                + (Files.exists(dir.resolve(TemplateManifest.FILE)) ? " (it holds a template: remove it first)" : ""));
                    }
                }
            } else {
                Files.createDirectories(dir);
            }
            return null;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private static Mono<Void> removeFiles(Path dir) {
        return Mono.<Void>fromRunnable(() -> {
            try {
                Files.deleteIfExists(dir.resolve(VmTemplate.STATE_FILE + ".part"));
            } catch (IOException e) {
                // the folder is removed below if empty; a leftover is reported by the next create
            }
            VmTemplate.deleteFiles(dir);
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
