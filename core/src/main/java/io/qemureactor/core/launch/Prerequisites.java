package io.qemureactor.core.launch;

import io.qemureactor.core.QemuBinary;
import io.qemureactor.core.QemuVersion;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.VmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What must hold on a host before QEMU is started, checked there so that a bad path or a
 * missing program fails in one clear line before anything is launched: the emulator runs, the
 * boot files are readable, the hugepages are free, the run base exists.
 *
 * <p>What cannot change between two launches is learnt once per host and remembered by the
 * launcher: the emulator's version (one {@code qemu-system-* --version} process, ~30 ms, per
 * host and program instead of per launch) and that the run base exists. Failures are not
 * remembered: install QEMU and the next launch sees it. Boot files and hugepages are checked
 * at every launch; the boot files all at once (in-process on the local host).
 */
final class Prerequisites {

    /** Successes are kept for the launcher's life, failures not at all. */
    private static final Duration FOREVER = Duration.ofMillis(Long.MAX_VALUE);

    private final Map<String, Mono<QemuVersion>> versions = new ConcurrentHashMap<>();
    private final Map<String, Mono<Void>> runBases = new ConcurrentHashMap<>();

    /** Fails with {@link LaunchPrerequisiteException} (or the host's own error) naming what is missing. */
    Mono<QemuVersion> check(Host host, VmSpec spec, String program) {
        return version(host, program)
                .flatMap(version -> Flux.concat(readable(host, spec), hugepages(host, spec)).then(Mono.just(version)));
    }

    /** {@code program --version} on {@code host}, run once per host and program. */
    Mono<QemuVersion> version(Host host, String program) {
        return versions.computeIfAbsent(host.name() + "\0" + program, key -> QemuBinary.of(host, program).version()
                .cache(v -> FOREVER, e -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** {@code mkdir -p -m 0700 runBase} on {@code host}, run once per host and folder. */
    Mono<Void> runBase(Host host, String runBase) {
        return runBases.computeIfAbsent(host.name() + "\0" + runBase, key -> host.exec(List.of("mkdir", "-p", "-m", "0700", runBase))
                .flatMap(r -> r.succeeded()
                        ? Mono.<Void>empty()
                        : Mono.<Void>error(new LaunchPrerequisiteException("cannot create the run folder base " + runBase
                                + " on " + host.name() + ": " + r.describeFailure())))
                .cache(v -> FOREVER, e -> Duration.ZERO, () -> FOREVER));
    }

    /** Every boot file checked at once; one error naming all that are missing. */
    private static Mono<Void> readable(Host host, VmSpec spec) {
        Map<String, String> files = new LinkedHashMap<>(); // field -> path, in the spec's order
        if (spec.bootSource() instanceof BootSource.DiskImage disk) {
            files.put("bootSource.disk", disk.path().toString());
        } else if (spec.bootSource() instanceof BootSource.KernelBoot kernel) {
            files.put("bootSource.kernel", kernel.kernel().toString());
            kernel.initrd().ifPresent(p -> files.put("bootSource.initrd", p.toString()));
            kernel.ninePRoot().ifPresent(r -> files.put("bootSource.ninePRoot.hostPath", r.hostPath().toString()));
        }
        return Flux.fromIterable(files.entrySet())
                .flatMapSequential(f -> host.isReadable(f.getValue()).map(ok -> ok ? "" : f.getKey() + " " + f.getValue()))
                .filter(missing -> !missing.isEmpty())
                .collectList()
                .flatMap(missing -> missing.isEmpty() ? Mono.<Void>empty()
                        : Mono.error(new LaunchPrerequisiteException(spec.name() + ": " + String.join(" and ", missing)
                                + (missing.size() == 1 ? " does" : " do") + " not exist or " + (missing.size() == 1 ? "is" : "are")
                                + " not readable on " + host.name())));
    }

    private static Mono<Void> hugepages(Host host, VmSpec spec) {
        if (!(spec.memoryBackend() instanceof MemoryBackend.HugepageFile huge)) {
            return Mono.empty();
        }
        long pageKib = huge.pageSize().mib() * 1024L;
        long needed = spec.memoryMib() * 1024L / pageKib;
        String pool = "/sys/kernel/mm/hugepages/hugepages-" + pageKib + "kB";
        Path free = Path.of(pool, "free_hugepages");
        return host.readFile(free.toString())
                .onErrorMap(e -> new LaunchPrerequisiteException(spec.name() + ": memoryBackend: " + pageKib
                        + " KiB hugepages are not supported on " + host.name() + " (no " + pool + ")"))
                .flatMap(bytes -> {
                    long available = Long.parseLong(new String(bytes, StandardCharsets.US_ASCII).strip());
                    return available >= needed ? Mono.<Void>empty()
                            : Mono.error(new LaunchPrerequisiteException(spec.name() + ": memoryBackend: " + spec.memoryMib()
                                    + " MiB needs " + needed + " free " + pageKib + " KiB hugepages, " + host.name() + " has "
                                    + available + " (raise " + pool + "/nr_hugepages, or use memfd)"));
                });
    }
}
