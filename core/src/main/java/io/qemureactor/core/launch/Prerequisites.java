package io.qemureactor.core.launch;

import io.qemureactor.core.QemuBinary;
import io.qemureactor.core.QemuVersion;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.MemoryBackend;
import io.qemureactor.core.spec.VmSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What must hold on a host before QEMU is started, checked there so that a bad path or a
 * missing program fails in one clear line before anything is launched: the emulator runs, the
 * boot files are readable, the hugepages are free.
 */
final class Prerequisites {

    private Prerequisites() {
    }

    /** Fails with {@link LaunchPrerequisiteException} (or the host's own error) naming what is missing. */
    static Mono<QemuVersion> check(Host host, VmSpec spec, String program) {
        return QemuBinary.of(host, program).version()
                .flatMap(version -> Flux.concat(readable(host, spec), hugepages(host, spec)).then(Mono.just(version)));
    }

    private static Flux<Void> readable(Host host, VmSpec spec) {
        List<String[]> files = new ArrayList<>();
        if (spec.bootSource() instanceof BootSource.DiskImage disk) {
            files.add(new String[] {"bootSource.disk", disk.path().toString()});
        } else if (spec.bootSource() instanceof BootSource.KernelBoot kernel) {
            files.add(new String[] {"bootSource.kernel", kernel.kernel().toString()});
            kernel.initrd().ifPresent(p -> files.add(new String[] {"bootSource.initrd", p.toString()}));
            kernel.ninePRoot().ifPresent(r -> files.add(new String[] {"bootSource.ninePRoot.hostPath", r.hostPath().toString()}));
        }
        return Flux.fromIterable(files).concatMap(f -> host.exec(List.of("test", "-r", f[1])).flatMap(r -> r.succeeded()
                ? Mono.<Void>empty()
                : Mono.error(new LaunchPrerequisiteException(spec.name() + ": " + f[0] + " " + f[1]
                        + " does not exist or is not readable on " + host.name()))));
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
