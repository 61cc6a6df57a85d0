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
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.launch.LaunchOptions;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.vm.RunningVm;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * The lifecycle of the VMs one test class declares ({@link BootVm} fields of the class and its
 * superclasses, found by {@link BootVmFields}): booted once as one all-or-nothing fleet (their
 * templates made first), reset to their templates between tests when declared so, stopped once.
 * Thread-safe.
 */
final class ClassVms implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QemuVmsExtension.class);

    /** How long a killed fleet may take to report its VMs gone, after a shutdown that timed out. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(60);

    private enum State { NEW, UP, FAILED, CLOSED }

    /** The class's settings: {@link QemuVms}'s attributes. */
    record Settings(Duration boot, Duration shutdown, int tailLines) {

        static Settings of(Optional<QemuVms> annotation) {
            return annotation.map(a -> new Settings(Duration.ofSeconds(a.bootTimeoutSeconds()),
                            Duration.ofSeconds(a.shutdownTimeoutSeconds()), a.consoleTailLines()))
                    .orElse(new Settings(Duration.ofSeconds(600), Duration.ofSeconds(180), 50));
        }
    }

    private final Class<?> testClass;
    private final Settings settings;
    private final Map<String, DeclaredVm> declared;

    private State state = State.NEW;
    private RunBase runBase;
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

    private ClassVms(Class<?> testClass, Settings settings, Map<String, DeclaredVm> declared) {
        this.testClass = testClass;
        this.settings = settings;
        this.declared = declared;
    }

    /** The VMs {@code testClass} declares; a misdeclared field is an {@link ExtensionConfigurationException}. */
    static ClassVms declaredOn(Class<?> testClass, Settings settings) {
        return new ClassVms(testClass, settings, BootVmFields.scan(testClass));
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
        String what = declared.values().stream().map(DeclaredVm::field).collect(Collectors.joining(", "));
        try {
            runBase = RunBase.create();
        } catch (IOException | RuntimeException e) {
            fail("cannot create a run folder base in " + RunBase.TEMP_BASE + ": " + e, e);
            return;
        }
        QemuLauncher launcher = new QemuLauncher(LaunchOptions.defaults().withRunBase(runBase.path().toString()));
        restorer = new TemplateRestorer(launcher);
        List<FleetHost> hosts = hosts();
        try {
            runBase.trackOn(hosts);
        } catch (IllegalStateException e) {
            fail(e.getMessage(), e.getCause());
            return;
        }
        if (!makeTemplates(launcher)) {
            return;
        }
        List<FleetMember> members = members(hosts);
        fleet = Fleet.boot(launcher, hosts, members, FleetOptions.defaults());
        fleet.events().subscribe(e -> log.debug("{}: {}", testClass.getSimpleName(), e), e -> { });
        log.info("{}: booting {} VM(s) concurrently: {} (run folders in {})", testClass.getSimpleName(),
                declared.size(), what, runBase.path());
        try {
            FleetResult result = Sync.await(fleet.ready(), settings.boot());
            for (DeclaredVm d : declared.values()) {
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
        List<DeclaredVm> templated = declared.values().stream()
                .filter(d -> d.template() != VmDeclaration.TemplateUse.NONE).toList();
        if (templated.isEmpty()) {
            return true;
        }
        TemplateMaker maker = new TemplateMaker(launcher);
        try {
            templates.putAll(Sync.await(Flux.fromIterable(templated)
                    .flatMap(d -> maker.create(runBase.path().resolve("template-" + d.field()), d.spec(), d.probe())
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
        for (DeclaredVm d : declared.values()) {
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
        for (DeclaredVm d : declared.values()) {
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
        if (runBase != null) {
            runBase.remove(fleet == null ? List.of() : fleet.hosts(), problems);
        }
        if (!problems.isEmpty()) {
            String message = testClass.getSimpleName() + ": cleaning up its VMs: " + String.join("; ", problems);
            log.error("{}", message);
            throw new IllegalStateException(message);
        }
        if (!vms.isEmpty()) {
            log.info("{}: VMs stopped, {} removed", testClass.getSimpleName(), runBase.path());
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
}
