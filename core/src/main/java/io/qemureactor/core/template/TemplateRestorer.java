package io.qemureactor.core.template;

import io.qemureactor.core.QemuBinary;
import io.qemureactor.core.QemuVersion;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;

/**
 * Starts clones of a {@link VmTemplate}: each a new QEMU in a run folder of its own, with the template's
 * guest-visible command line, its RAM file mapped privately ({@code share=off}: copy-on-write, so clones
 * share the template's pages until they write them), {@code -incoming defer}; the saved devices are loaded,
 * the guest resumed, and the clone is ready when its agent answers and its clock has been set. The result
 * is a {@link RunningVm} like a booted one: QMP, agent, console, vCPU threads, pinning, shutdown, and its
 * pid and folder registered with the host's reaper.
 *
 * <p>Before anything starts, the template must fit: the host's QEMU is the one that made it (same version
 * and package), and the spec renders to the template's guest-visible argv (only the name, run folder,
 * accelerator choice and NIC MACs may differ); otherwise one {@link InvalidTemplateException} line says what
 * differs.
 *
 * <p>On this machine a clone uses the template's folder. On an SSH host it uses a copy, made once per host and
 * template and kept in {@code RUNBASE/templates/DIGEST} (see {@link #copies()}); a host that can take no copy
 * must hold the template at its own path.
 *
 * <p>A clone's identity is its spec's and its options': its MACs (the guest resumes with the template's and
 * is given the spec's through the agent, see {@code NicIdentity}), its hostname and addresses if the options
 * give them.
 */
public final class TemplateRestorer {

    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final QemuLauncher launcher;
    /** One {@code --version} per host and program for the restorer's life: every clone of a fleet would ask again. */
    private final Map<String, Mono<QemuVersion>> versions = new ConcurrentHashMap<>();
    private final TemplateCopies hostCopies;

    /**
     * A restorer that starts clones through {@code launcher} (its options pick the QEMU binary and run base).
     *
     * @param launcher the launcher that starts and cleans up the clones
     */
    public TemplateRestorer(QemuLauncher launcher) {
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.hostCopies = new TemplateCopies(hostCacheFolder());
    }

    /**
     * How many times this restorer copied a template to a host (SSH hosts; once per host and template, and not
     * at all where a complete copy is already there).
     *
     * @return the number of copies made so far
     */
    public long copies() {
        return hostCopies.copies();
    }

    /**
     * Where copies of templates go on hosts other than this machine: {@code RUNBASE/templates}.
     *
     * @return the folder's absolute path on those hosts
     */
    public String hostCacheFolder() {
        return launcher.options().runBase() + "/templates";
    }

    /**
     * A clone on this machine with default options.
     *
     * @param template the template to clone
     * @param spec the clone's spec
     * @return as {@link #restore(Host, VmTemplate, VmSpec, CloneOptions)}
     */
    public Mono<RunningVm> restore(VmTemplate template, VmSpec spec) {
        return restore(LocalHost.instance(), template, spec, CloneOptions.defaults());
    }

    /**
     * A clone of {@code template} as {@code spec} (its name, id and run folder are the clone's own; its
     * guest-visible configuration must be the template's) on {@code host}.
     *
     * @param host where the clone runs
     * @param template the template to clone
     * @param spec the clone's spec
     * @param options hostname, addresses and ready bound of the clone
     * @return a cold Mono of the running clone, which the caller must shut down; fails with {@link InvalidTemplateException} when the template does not fit (other QEMU, other spec), with the launcher's errors when the clone fails to start
     */
    public Mono<RunningVm> restore(Host host, VmTemplate template, VmSpec spec, CloneOptions options) {
        Objects.requireNonNull(options, "options");
        return restore(host, template, spec, readyProbe(options), options.addresses());
    }

    /**
     * A fleet member that is a clone of {@code template} as {@code spec}: placed, pinned, reported and stopped
     * by the fleet like a booted member, and mixed with booted ones in one fleet. The fleet's launcher
     * should be this restorer's (so that the fleet's teardown awaits the clones' cleanups too).
     *
     * @param template the template to clone
     * @param spec the clone's spec
     * @param options hostname, addresses and ready bound of the clone
     * @return the fleet member; nothing starts until the fleet starts it
     */
    public FleetMember member(VmTemplate template, VmSpec spec, CloneOptions options) {
        Objects.requireNonNull(template, "template");
        return FleetMember.of(spec, readyProbe(options))
                .startedBy((host, placed, probe) -> restore(host, template, placed, probe, options.addresses()));
    }

    /**
     * When a clone is ready: its agent answers, its clock is set (and its hostname, if {@code options} give one).
     *
     * @param options the clone's options (hostname, ready bound)
     * @return a probe for {@link #restore(Host, VmTemplate, VmSpec, BootProbe)}
     */
    public static BootProbe readyProbe(CloneOptions options) {
        return new CloneReadyProbe(Objects.requireNonNull(options, "options"));
    }

    /**
     * The restore with {@code probe} deciding when the resumed clone is ready: a {@link #readyProbe}, possibly
     * wrapped (a fleet reports progress through it, a benchmark times it). A probe that does not set the clock
     * leaves the clone at the template's time.
     *
     * @param host where the clone runs
     * @param template the template to clone
     * @param spec the clone's spec
     * @param probe decides when the resumed clone is ready
     * @return a cold Mono of the running clone, failing as {@link #restore(Host, VmTemplate, VmSpec, CloneOptions)}
     */
    public Mono<RunningVm> restore(Host host, VmTemplate template, VmSpec spec, BootProbe probe) {
        return restore(host, template, spec, probe, Map.of());
    }

    private Mono<RunningVm> restore(Host host, VmTemplate template, VmSpec spec, BootProbe probe,
                                    Map<String, String> addresses) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        return Mono.defer(() -> {
            TemplateManifest m = template.manifest();
            String where = spec.name() + ": template " + template.folder();
            GuestConfig theirs = GuestConfig.of(m.guestArgv());
            GuestConfig ours = GuestConfig.of(spec, m.accelerator());
            var difference = theirs.difference(ours);
            if (difference.isPresent()) {
                return Mono.error(new InvalidTemplateException(where + " was made from another spec: " + difference.get()));
            }
            NicIdentity identity = NicIdentity.of(m.nicMacs(), spec, addresses);
            String program = launcher.options().qemuBinary().orElse(m.qemuProgram());
            return version(host, program).flatMap(v -> v.toString().equals(m.qemuVersion())
                    ? hostCopies.folderOn(host, template, spec.name())
                    : Mono.error(new InvalidTemplateException(where + " was made by QEMU " + m.qemuVersion() + ", " + program
                            + " on " + host.name() + " is " + v + ": make the template again with this QEMU")))
                    .flatMap(folder -> {
                        VmSpec clone = spec.toBuilder().accelerator(m.accelerator())
                                .memoryBackend(MemoryBackend.ramFile(folder.resolve(VmTemplate.RAM_FILE), false)).build();
                        return launcher.restore(host, clone, identity.after(probe),
                                new StateLoad(folder.resolve(VmTemplate.STATE_FILE)));
                    });
        });
    }

    private Mono<QemuVersion> version(Host host, String program) {
        return versions.computeIfAbsent(host.name() + "\0" + program, k -> QemuBinary.of(host, program).version()
                .cache(v -> FOREVER, e -> Duration.ZERO, () -> Duration.ZERO));
    }
}
