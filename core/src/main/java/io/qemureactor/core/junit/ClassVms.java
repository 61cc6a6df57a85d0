package io.qemureactor.core.junit;

import io.qemureactor.core.fleet.Fleet;
import io.qemureactor.core.fleet.FleetBootException;
import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.template.CloneOptions;
import io.qemureactor.core.template.TemplateMaker;
import io.qemureactor.core.template.TemplateRestorer;
import io.qemureactor.core.template.VmTemplate;
import io.qemureactor.core.fleet.FleetOptions;
import io.qemureactor.core.fleet.FleetResult;
import io.qemureactor.core.fleet.MemberFailure;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.Reaper;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The VMs one test class declares ({@link BootVm} fields of the class and its superclasses):
 * booted once as one all-or-nothing fleet, stopped once. Thread-safe.
 */
final class ClassVms implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QemuVmsExtension.class);

    /** Where the run folders go: short, so QEMU's socket paths stay under the 107-byte limit. */
    private static final Path TEMP_BASE = Path.of("/tmp");

    /** How long a killed fleet may take to report its VMs gone, after a shutdown that timed out. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(60);

    /** How long starting a host's reaper (or telling it something) may take: an SSH host on a busy machine. */
    private static final Duration REAPER_WAIT = Duration.ofSeconds(60);

    private enum State { NEW, UP, FAILED, CLOSED }

    /** The class's settings: {@link QemuVms}'s attributes. */
    record Settings(Duration boot, Duration shutdown, int tailLines) {

        static Settings of(Optional<QemuVms> annotation) {
            return annotation.map(a -> new Settings(Duration.ofSeconds(a.bootTimeoutSeconds()),
                            Duration.ofSeconds(a.shutdownTimeoutSeconds()), a.consoleTailLines()))
                    .orElse(new Settings(Duration.ofSeconds(600), Duration.ofSeconds(180), 50));
        }
    }

    /** One {@link BootVm} field; its spec carries the field's name (see {@link #named}). */
    record Declared(String field, VmSpec spec, BootProbe probe, Optional<FleetHost> host, int pinCpus,
                    VmDeclaration.TemplateUse template) {
    }

    private final Class<?> testClass;
    private final Settings settings;
    private final Map<String, Declared> declared;

    private State state = State.NEW;
    private Path runBase;
    /** The run base's entries in the hosts' reapers. */
    private final List<Reaper.Entry> baseEntries = new ArrayList<>();
    private Fleet fleet;
    private final Map<String, RunningVm> running = new LinkedHashMap<>();
    /** The templates of the fields declared {@code fromTemplate()}, made in the run base before the fleet boots. */
    private final Map<String, VmTemplate> templates = new LinkedHashMap<>();
    private TemplateRestorer restorer;
    /** Fields whose clone no test has seen yet: the first test gets the fleet's clone, later ones a fresh one. */
    private final Set<String> fresh = new java.util.HashSet<>();
    /** Clones restored by {@link #resetBeforeTest()}: outside the fleet, stopped by {@link #close()}. */
    private final List<RunningVm> resetClones = new ArrayList<>();
    private String failureMessage;
    private Throwable failureCause;

    private ClassVms(Class<?> testClass, Settings settings, Map<String, Declared> declared) {
        this.testClass = testClass;
        this.settings = settings;
        this.declared = declared;
    }

    /** The VMs {@code testClass} declares; a misdeclared field is an {@link ExtensionConfigurationException}. */
    static ClassVms declaredOn(Class<?> testClass, Settings settings) {
        Map<String, Declared> declared = new LinkedHashMap<>();
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            hierarchy.add(0, c); // superclass fields first
        }
        String kitMarker = null;
        for (Class<?> c : hierarchy) {
            for (Field f : c.getDeclaredFields()) {
                BootVm a = f.getAnnotation(BootVm.class);
                if (a == null) {
                    continue;
                }
                String where = "@BootVm " + c.getSimpleName() + "." + f.getName();
                if (!Modifier.isStatic(f.getModifiers())) {
                    throw new ExtensionConfigurationException(where + " must be static: the VMs boot before any test instance exists");
                }
                if (declared.containsKey(f.getName())) {
                    throw new ExtensionConfigurationException(where + ": another @BootVm field is named " + f.getName()
                            + " (the field name is the VM's name for @Vm)");
                }
                Object value = read(f, where);
                Declared d;
                if (value instanceof VmSpec spec) {
                    if (needsKitMarker(a) && kitMarker == null) {
                        kitMarker = kitMarker(where);
                    }
                    d = new Declared(f.getName(), named(spec, f.getName(), where), probe(a, kitMarker, where),
                            Optional.empty(), 0, VmDeclaration.TemplateUse.NONE);
                } else if (value instanceof VmDeclaration decl) {
                    if (a.probe() != ProbeKind.SERIAL_MARKER || !a.marker().isEmpty() || a.timeoutSeconds() != 0) {
                        throw new ExtensionConfigurationException(where + ": a VmDeclaration has its own probe;"
                                + " leave the @BootVm attributes at their defaults");
                    }
                    d = new Declared(f.getName(), named(decl.spec(), f.getName(), where), decl.probe(), decl.host(),
                            decl.pinCpus(), decl.template());
                } else {
                    throw new ExtensionConfigurationException(where + " is a " + value.getClass().getSimpleName()
                            + "; it must be a VmSpec or a VmDeclaration, or a Supplier of one");
                }
                declared.put(f.getName(), d);
            }
        }
        checkUnique(declared);
        return new ClassVms(testClass, settings, declared);
    }

    /**
     * The field's value; a {@link Supplier} is called now, when the class's VMs are about to boot,
     * so that what it needs (the test guest kit, say) is not looked up in the class's static
     * initializer, where a failure would surface as an {@code ExceptionInInitializerError}.
     */
    private static Object read(Field f, String where) {
        Object value;
        try {
            f.setAccessible(true);
            value = f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException(where + " cannot be read: " + e, e);
        }
        if (value instanceof Supplier<?> supplier) {
            try {
                value = supplier.get();
            } catch (RuntimeException e) {
                throw new ExtensionConfigurationException(where + ": its supplier failed: " + e.getMessage(), e);
            }
        }
        if (value == null) {
            throw new ExtensionConfigurationException(where + " is null");
        }
        return value;
    }

    /**
     * The spec under the field's name, so that one name stands for the VM everywhere: {@code @Vm},
     * {@code RunningVm.name()}, QEMU's {@code -name}, logs. A spec that carries a name of its own
     * (other than the default {@code vm<id>}) must carry the field's.
     */
    private static VmSpec named(VmSpec spec, String field, String where) {
        if (spec.name().equals(field)) {
            return spec;
        }
        if (!spec.name().equals("vm" + spec.id())) {
            throw new ExtensionConfigurationException(where + ": the spec is named " + spec.name()
                    + ", but the field's name is the VM's name: rename the field or leave the spec unnamed");
        }
        try {
            return spec.toBuilder().name(field).build();
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException(where + ": the field's name cannot name a VM: " + e.getMessage(), e);
        }
    }

    private static boolean needsKitMarker(BootVm a) {
        return (a.probe() == ProbeKind.SERIAL_MARKER || a.probe() == ProbeKind.SERIAL_MARKER_AND_QGA) && a.marker().isEmpty();
    }

    private static String kitMarker(String where) {
        try {
            return GuestKit.locate().marker();
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException(where + ": probe SERIAL_MARKER without a marker waits for the"
                    + " test guest kit's marker, but " + e.getMessage(), e);
        }
    }

    private static BootProbe probe(BootVm a, String kitMarker, String where) {
        if (!a.marker().isEmpty() && a.probe() != ProbeKind.SERIAL_MARKER && a.probe() != ProbeKind.SERIAL_MARKER_AND_QGA) {
            throw new ExtensionConfigurationException(where + ": marker is only for the serial probes, not " + a.probe());
        }
        if (a.timeoutSeconds() < 0) {
            throw new ExtensionConfigurationException(where + ": timeoutSeconds " + a.timeoutSeconds() + " is negative");
        }
        String marker = a.marker().isEmpty() ? kitMarker : a.marker();
        BootProbe probe = switch (a.probe()) {
            case SERIAL_MARKER -> BootProbe.serialMarker(Pattern.quote(marker));
            case QGA -> BootProbe.qga();
            case QMP_RUNNING -> BootProbe.qmpStatus("running");
            case SERIAL_MARKER_AND_QGA -> BootProbe.all(BootProbe.serialMarker(Pattern.quote(marker)), BootProbe.qga());
        };
        return a.timeoutSeconds() > 0 ? probe.withTimeout(Duration.ofSeconds(a.timeoutSeconds())) : probe;
    }

    private static void checkUnique(Map<String, Declared> declared) {
        Map<String, String> specNames = new LinkedHashMap<>();
        Map<String, FleetHost> hosts = new LinkedHashMap<>();
        for (Declared d : declared.values()) {
            String other = specNames.putIfAbsent(d.spec().name(), d.field());
            if (other != null) {
                throw new ExtensionConfigurationException("@BootVm " + other + " and " + d.field()
                        + " both declare a VM named " + d.spec().name() + ": give the specs different ids or names");
            }
            d.host().ifPresent(h -> {
                FleetHost seen = hosts.putIfAbsent(h.name(), h);
                if (seen != null && seen != h) {
                    throw new ExtensionConfigurationException("@BootVm " + d.field() + ": two different FleetHosts are named "
                            + h.name() + "; share one FleetHost object per machine");
                }
            });
        }
    }

    Settings settings() {
        return settings;
    }

    boolean declares(String field) {
        return declared.containsKey(field);
    }

    Set<String> names() {
        return declared.keySet();
    }

    // ---- boot

    /** Boots the class's VMs once (later calls return at once); a failure is kept, see {@link #failure()}. */
    synchronized void boot() {
        if (state != State.NEW) {
            return;
        }
        if (declared.isEmpty()) {
            state = State.UP;
            return;
        }
        String what = declared.values().stream().map(Declared::field).collect(Collectors.joining(", "));
        try {
            runBase = Files.createTempDirectory(TEMP_BASE, "qemu-reactor-junit-");
        } catch (IOException | RuntimeException e) {
            fail("cannot create a run folder base in " + TEMP_BASE + ": " + e, e);
            return;
        }
        QemuLauncher launcher = new QemuLauncher(LaunchOptions.defaults().withRunBase(runBase.toString()));
        restorer = new TemplateRestorer(launcher);
        List<FleetHost> hosts = hosts();
        if (!trackRunBase(hosts)) {
            return;
        }
        if (!makeTemplates(launcher)) {
            return;
        }
        List<FleetMember> members = members(hosts);
        fleet = Fleet.boot(launcher, hosts, members, FleetOptions.defaults());
        fleet.events().subscribe(e -> log.debug("{}: {}", testClass.getSimpleName(), e), e -> { });
        log.info("{}: booting {} VM(s) concurrently: {} (run folders in {})", testClass.getSimpleName(),
                declared.size(), what, runBase);
        try {
            FleetResult result = Sync.await(fleet.ready(), settings.boot());
            for (Declared d : declared.values()) {
                running.put(d.field(), result.vm(d.spec().name()).orElseThrow(() ->
                        new IllegalStateException(d.spec().name() + " is not in the fleet's result")));
            }
            state = State.UP;
            log.info("{}: VMs up: {}", testClass.getSimpleName(), running.entrySet().stream()
                    .map(e -> e.getKey() + " pid " + e.getValue().pid()
                            + " (boot " + e.getValue().bootTime().toMillis() + " ms)")
                    .collect(Collectors.joining(", ")));
        } catch (TimeoutException e) {
            fail("the VMs of " + testClass.getSimpleName() + " (" + what + ") were not all up within "
                    + settings.boot().toSeconds() + " s (@QemuVms bootTimeoutSeconds); the boot was cancelled", e);
        } catch (RuntimeException | Error e) {
            fail(describe(e), e);
        }
    }

    /** Makes the templates of the fields declared {@code fromTemplate()}, concurrently; false (and failed) if one is not made. */
    private boolean makeTemplates(QemuLauncher launcher) {
        List<Declared> templated = declared.values().stream()
                .filter(d -> d.template() != VmDeclaration.TemplateUse.NONE).toList();
        if (templated.isEmpty()) {
            return true;
        }
        TemplateMaker maker = new TemplateMaker(launcher);
        try {
            templates.putAll(Sync.await(Flux.fromIterable(templated)
                    .flatMap(d -> maker.create(runBase.resolve("template-" + d.field()), d.spec(), d.probe())
                            .map(t -> Map.entry(d.field(), t)))
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue), settings.boot()));
            templated.forEach(d -> fresh.add(d.field()));
            return true;
        } catch (TimeoutException e) {
            fail("the templates of " + testClass.getSimpleName() + " were not made within " + settings.boot().toSeconds()
                    + " s (@QemuVms bootTimeoutSeconds)", e);
        } catch (RuntimeException | Error e) {
            fail("the templates of " + testClass.getSimpleName() + " could not be made: " + describe(e), e);
        }
        return false;
    }

    /**
     * Before a test: each VM declared {@code resetToTemplateBeforeEachTest()} that an earlier test has seen is
     * killed and replaced by a fresh clone of its template (the first test gets the fleet's clone).
     */
    synchronized void resetBeforeTest() {
        if (state != State.UP) {
            return;
        }
        for (Declared d : declared.values()) {
            if (d.template() != VmDeclaration.TemplateUse.RESET_BEFORE_EACH_TEST || fresh.remove(d.field())) {
                continue;
            }
            RunningVm old = running.get(d.field());
            try {
                Sync.await(old.kill(), KILL_WAIT);
                RunningVm clone = Sync.await(restorer.restore(templates.get(d.field()), d.spec()), settings.boot());
                running.put(d.field(), clone);
                resetClones.add(clone);
            } catch (TimeoutException | RuntimeException e) {
                throw new IllegalStateException(testClass.getSimpleName() + "." + d.field()
                        + ": resetting the VM to its template failed: " + e.getMessage(), e);
            }
        }
    }

    private List<FleetHost> hosts() {
        Map<String, FleetHost> hosts = new LinkedHashMap<>();
        declared.values().forEach(d -> d.host().ifPresent(h -> hosts.putIfAbsent(h.name(), h)));
        boolean anyLocal = declared.values().stream().anyMatch(d -> d.host().isEmpty());
        List<FleetHost> list = new ArrayList<>();
        if (anyLocal) {
            FleetHost local = hosts.remove(LocalHost.instance().name());
            list.add(local != null ? local : FleetHost.local());
        }
        list.addAll(hosts.values());
        return list;
    }

    private List<FleetMember> members(List<FleetHost> hosts) {
        String local = LocalHost.instance().name();
        List<FleetMember> members = new ArrayList<>();
        for (Declared d : declared.values()) {
            FleetMember m = (d.template() == VmDeclaration.TemplateUse.NONE ? FleetMember.of(d.spec(), d.probe())
                    : restorer.member(templates.get(d.field()), d.spec(), CloneOptions.defaults())).pinning(d.pinCpus());
            if (d.host().isPresent()) {
                m = m.on(d.host().get().name());
            } else if (hosts.size() > 1) {
                m = m.on(local);
            }
            members.add(m);
        }
        return members;
    }

    private void fail(String message, Throwable cause) {
        state = State.FAILED;
        failureMessage = message;
        failureCause = cause;
        log.error("{}", message);
    }

    /** The boot's error, every VM that failed with QEMU's output and its console tail. */
    private String describe(Throwable e) {
        StringBuilder b = new StringBuilder("the VMs of ").append(testClass.getSimpleName()).append(" did not boot: ")
                .append(e.getMessage() == null ? e.toString() : e.getMessage());
        Set<VmLaunchException> launches = new LinkedHashSet<>();
        if (e instanceof FleetBootException fbe) {
            fbe.failures().stream().map(MemberFailure::cause).forEach(c -> launchException(c).ifPresent(launches::add));
        }
        launchException(e).ifPresent(launches::add);
        for (VmLaunchException l : launches) {
            b.append("\n\n").append(l.vmName()).append(": ").append(l.details());
        }
        return b.toString();
    }

    private static Optional<VmLaunchException> launchException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof VmLaunchException l) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** Why the class's VMs are not up, as a fresh exception for one test; empty when they are (or never booted). */
    synchronized Optional<QemuVmsBootException> failure() {
        return failureMessage == null ? Optional.empty()
                : Optional.of(new QemuVmsBootException(failureMessage, failureCause));
    }

    /** The VM of the {@link BootVm} field {@code field}, booting the class's VMs first if need be. */
    RunningVm vm(String field) {
        boot();
        synchronized (this) {
            Optional<QemuVmsBootException> failed = failure();
            if (failed.isPresent()) {
                throw failed.get();
            }
            RunningVm vm = running.get(field);
            if (vm == null) {
                throw new IllegalStateException("the VMs of " + testClass.getSimpleName() + " were stopped already");
            }
            return vm;
        }
    }

    /** The VMs that are up, by field name (empty before the boot, after a failed one and after close). */
    synchronized Map<String, RunningVm> running() {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(running));
    }

    // ---- teardown

    /**
     * Stops every VM of the class (the shutdown ladder, within the class's bound; killed after
     * it) and removes the run folder base. Idempotent. Fails after the cleanup when something
     * could not be cleaned up.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean started = state != State.NEW;
        state = State.CLOSED;
        if (!started) {
            return;
        }
        List<String> problems = new ArrayList<>();
        List<RunningVm> vms = List.copyOf(running.values());
        running.clear();
        for (RunningVm clone : resetClones) {
            try {
                Sync.await(clone.shutdown(), settings.shutdown());
            } catch (TimeoutException | RuntimeException e) {
                problems.add("stopping " + clone + " failed: " + e + "; killed");
                try {
                    Sync.await(clone.kill(), KILL_WAIT);
                } catch (TimeoutException | RuntimeException e2) {
                    problems.add("killing " + clone + " failed: " + e2);
                }
            }
        }
        resetClones.clear();
        if (fleet != null) {
            try {
                Sync.await(fleet.shutdown(), settings.shutdown());
            } catch (TimeoutException e) {
                problems.add("the VMs did not stop within " + settings.shutdown().toSeconds()
                        + " s (@QemuVms shutdownTimeoutSeconds): killed");
                killFleet(problems);
            } catch (RuntimeException | Error e) {
                problems.add("stopping the VMs failed: " + e + "; killed");
                killFleet(problems);
            }
        }
        removeRunBase(problems);
        if (!problems.isEmpty()) {
            String message = testClass.getSimpleName() + ": cleaning up its VMs: " + String.join("; ", problems);
            log.error("{}", message);
            throw new IllegalStateException(message);
        }
        if (!vms.isEmpty()) {
            log.info("{}: VMs stopped, {} removed", testClass.getSimpleName(), runBase);
        }
    }

    /**
     * Kills what the fleet started and waits until it is gone: {@link Fleet#disposeLater()} completes only
     * when every QEMU has been reaped and every run folder removed, so nothing here looks for pids itself.
     * (Should this JVM die instead, the host's reaper stops them.)
     */
    private void killFleet(List<String> problems) {
        try {
            Sync.await(fleet.disposeLater(), KILL_WAIT);
        } catch (TimeoutException | RuntimeException e) {
            problems.add("the killed VMs were not gone within " + KILL_WAIT.toSeconds() + " s: " + e);
        }
    }

    /**
     * The run folder base, on every host, goes to the host's reaper: if this JVM dies (a Surefire fork killed,
     * an IDE's stop button) the reaper stops every process whose argv names it and removes it.
     */
    private boolean trackRunBase(List<FleetHost> hosts) {
        for (FleetHost h : hosts) {
            try {
                baseEntries.add(Sync.await(h.host().reaper().trackFolder(runBase.toString()), REAPER_WAIT));
            } catch (TimeoutException | RuntimeException e) {
                fail("cannot start the reaper on " + h.name() + ": " + e, e);
                return false;
            }
        }
        return true;
    }

    private void removeRunBase(List<String> problems) {
        if (runBase == null) {
            return;
        }
        try {
            removeRunBaseFolders(problems);
        } finally {
            for (Reaper.Entry e : baseEntries) {
                try {
                    Sync.await(e.forget(), REAPER_WAIT);
                } catch (TimeoutException | RuntimeException ignored) {
                    // forget never fails; a slow one leaves the reaper to remove an already removed folder
                }
            }
            baseEntries.clear();
        }
    }

    private void removeRunBaseFolders(List<String> problems) {
        for (FleetHost h : fleet == null ? List.<FleetHost>of() : fleet.hosts()) {
            if (!(h.host() instanceof LocalHost)) {
                try {
                    Sync.await(h.host().exec(List.of("rm", "-rf", "--", runBase.toString())).then(), Duration.ofSeconds(30));
                } catch (TimeoutException | RuntimeException e) {
                    problems.add("cannot remove " + runBase + " on " + h.name() + ": " + e);
                }
            }
        }
        if (!Files.exists(runBase)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(runBase)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("cannot remove " + runBase + ": " + e);
        }
    }
}
