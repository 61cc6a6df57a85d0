package io.qemureactor.core.fleet;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.launch.RunFolderPreparer;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.core.vm.VmParts;
import io.qemureactor.qmp.QmpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A launcher for unit tests: each VM boots (calls the probe halfway), fails or hangs as scripted.
 * Its VMs are real {@link RunningVm}s over a fake process (killed or quit by any QMP command) and
 * a real run folder, so kill and shutdown release them as they would a QEMU.
 */
final class FakeStarter implements VmStarter {

    enum Outcome { UP, FAIL, HANG }

    private record Script(Outcome outcome, Duration delay) {
    }

    private final Path runBase;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<String> startedNames = Collections.synchronizedList(new ArrayList<>());
    final List<String> cancelled = Collections.synchronizedList(new ArrayList<>());
    final Map<String, FakeProcess> processes = new ConcurrentHashMap<>();
    final Map<String, RunFolderPreparer> preparers = new ConcurrentHashMap<>();

    FakeStarter(Path runBase) {
        this.runBase = runBase;
    }

    FakeStarter script(String vm, Outcome outcome, Duration delay) {
        scripts.put(vm, new Script(outcome, delay));
        return this;
    }

    @Override
    public Mono<RunningVm> start(Host host, VmSpec spec, BootProbe probe, RunFolderPreparer preparer) {
        Script s = scripts.getOrDefault(spec.name(), new Script(Outcome.UP, Duration.ofMillis(40)));
        return Mono.defer(() -> {
            startedNames.add(spec.name());
            preparers.put(spec.name(), preparer);
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            FakeProcess process = new FakeProcess(host, 1000 + spec.id());
            BootContext context = new BootContext(spec.name(), fakeQmp(process), Optional.empty(), Optional.empty());
            Mono<RunningVm> end = switch (s.outcome()) {
                case UP -> Mono.fromSupplier(() -> vm(spec, process));
                case FAIL -> Mono.error(new VmLaunchException(spec.name(), spec.name() + " on " + host.name()
                        + " failed to boot: scripted failure", new IllegalStateException("scripted"), OptionalInt.of(1),
                        List.of(), List.of()));
                case HANG -> Mono.never();
            };
            return Mono.delay(s.delay().dividedBy(2)).then(probe.await(context)).then(Mono.delay(s.delay().dividedBy(2)))
                    .then(end)
                    // before the end reaches the fleet, which then starts the next boot
                    .doOnTerminate(inFlight::decrementAndGet)
                    .doOnCancel(() -> {
                        inFlight.decrementAndGet();
                        cancelled.add(spec.name());
                    });
        });
    }

    private RunningVm vm(VmSpec spec, FakeProcess process) {
        Path folder = runBase.resolve(spec.name());
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        processes.put(spec.name(), process);
        QemuCommandLine cmd = QemuCommandLine.render(spec, Accelerator.TCG, RunLayout.in(folder), "qemu-system-x86_64");
        return new RunningVm(new VmParts(cmd, process, folder.toString(), fakeQmp(process), Optional.empty(),
                Optional.empty(), Duration.ZERO));
    }

    /** A QMP session on which every command makes "QEMU" exit (powerdown and quit do, in the shutdown ladder). */
    private static QmpClient fakeQmp(FakeProcess process) {
        return (QmpClient) Proxy.newProxyInstance(QmpClient.class.getClassLoader(), new Class<?>[] {QmpClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("execute")) {
                        process.exit(0);
                        return Mono.empty();
                    }
                    if (method.getReturnType() == Mono.class) {
                        return Mono.empty();
                    }
                    if (method.getReturnType() == Flux.class) {
                        return Flux.never();
                    }
                    if (method.getReturnType() == boolean.class) {
                        return true;
                    }
                    if (method.getName().equals("toString")) {
                        return "fake QMP";
                    }
                    return null;
                });
    }

    /** A "QEMU" that runs until killed, terminated or quit. */
    static final class FakeProcess implements HostProcess {
        private final Host host;
        private final long pid;
        private final Sinks.One<Integer> exit = Sinks.one();
        private volatile Integer status;

        FakeProcess(Host host, long pid) {
            this.host = host;
            this.pid = pid;
        }

        void exit(int code) {
            synchronized (this) {
                if (status != null) {
                    return;
                }
                status = code;
            }
            exit.tryEmitValue(code);
        }

        @Override
        public Host host() {
            return host;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public Mono<Integer> onExit() {
            return exit.asMono();
        }

        @Override
        public boolean isAlive() {
            return status == null;
        }

        @Override
        public Mono<Void> terminate() {
            return Mono.fromRunnable(() -> exit(143));
        }

        @Override
        public Mono<Void> kill() {
            return Mono.fromRunnable(() -> exit(137));
        }

        @Override
        public Mono<String> outputTail() {
            return Mono.just("");
        }
    }
}
