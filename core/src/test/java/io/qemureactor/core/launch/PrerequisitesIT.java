package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.host.CommandResult;
import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.testing.ForwardingHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The launcher's host checks against the real local host and the real QEMU: what is learnt once per
 * host (the emulator's version, the run base) is not asked again, failures are not remembered, and
 * missing boot files are named together.
 */
class PrerequisitesIT {

    private static final Duration T = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Recording host = new Recording(LocalHost.instance());
    private final Prerequisites prerequisites = new Prerequisites();

    private VmSpec kernelVm(Path kernel, Path initrd) {
        return VmSpec.builder().id(1).bootSource(BootSource.kernel(kernel, initrd, "console=ttyS0")).build();
    }

    @Test
    void theEmulatorVersionIsAskedOncePerHostAndProgram() throws Exception {
        Path kernel = Files.writeString(dir.resolve("vmlinuz"), "k");
        Path initrd = Files.writeString(dir.resolve("initrd.img"), "i");
        VmSpec spec = kernelVm(kernel, initrd);

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(prerequisites.check(host, spec, "qemu-system-x86_64"))
                    .assertNext(version -> assertThat(version.major()).isPositive())
                    .verifyComplete();
        }
        assertThat(host.execs).filteredOn(argv -> argv.get(0).equals("qemu-system-x86_64")).hasSize(1);
        // the local host checks files in-process: no test(1) processes at all
        assertThat(host.execs).noneMatch(argv -> argv.get(0).equals("test"));
    }

    @Test
    void aMissingEmulatorIsNotRemembered() {
        Path kernel = dir.resolve("vmlinuz");
        VmSpec spec = kernelVm(kernel, kernel);
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(prerequisites.version(host, "qemu-system-not-installed"))
                    .expectErrorMessage("qemu-system-not-installed not found on localhost: install it or put it on the PATH")
                    .verify(T);
        }
        assertThat(host.execs).hasSize(2); // asked again: it may have been installed meanwhile
    }

    @Test
    void everyMissingBootFileIsNamedInOneLine() throws Exception {
        Path kernel = dir.resolve("vmlinuz");
        Path initrd = dir.resolve("initrd.img");
        StepVerifier.create(prerequisites.check(host, kernelVm(kernel, initrd), "qemu-system-x86_64"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(LaunchPrerequisiteException.class)
                        .hasMessage("vm1: bootSource.kernel " + kernel + " and bootSource.initrd " + initrd
                                + " do not exist or are not readable on localhost"))
                .verify(T);

        Files.writeString(kernel, "k");
        StepVerifier.create(prerequisites.check(host, kernelVm(kernel, initrd), "qemu-system-x86_64"))
                .expectErrorMessage("vm1: bootSource.initrd " + initrd + " does not exist or is not readable on localhost")
                .verify(T);
    }

    @Test
    void theRunBaseIsCreatedPrivateOnceAndThenRemembered() throws Exception {
        Path base = dir.resolve("runs");
        for (int i = 0; i < 3; i++) {
            StepVerifier.create(prerequisites.runBase(host, base.toString())).verifyComplete();
        }
        assertThat(Files.getPosixFilePermissions(base)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        assertThat(host.execs).filteredOn(argv -> argv.get(0).equals("mkdir")).hasSize(1);
    }

    /** The real local host, with a record of the programs run through it. */
    private static final class Recording extends ForwardingHost {

        final List<List<String>> execs = new CopyOnWriteArrayList<>();

        Recording(Host host) {
            super(host);
        }

        @Override
        public Mono<CommandResult> exec(List<String> argv) {
            return Mono.defer(() -> {
                execs.add(argv);
                return delegate().exec(argv);
            });
        }
    }
}
