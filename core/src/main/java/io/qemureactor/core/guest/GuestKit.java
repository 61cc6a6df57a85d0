package io.qemureactor.core.guest;

import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.BootSource;
import io.qemureactor.core.spec.VmSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The test guest built by {@code scripts/build-guest} (see docs/guest.md): a kernel, an
 * initramfs with busybox and qemu-ga, a root filesystem image. Gives {@link VmSpec} builders for
 * its flavours and the probe that recognises its "ready" line.
 */
public final class GuestKit {

    /** The kit's folder when nothing else is said. */
    public static final String DEFAULT_HOME = ".cache/qemu-reactor/guest";

    /** How the guest boots. */
    public enum Flavour {
        /** From the initramfs alone, no extra kernel arguments. */
        DEFAULT,
        /** The root filesystem image as a virtio disk (snapshot, so VMs can share it), booted by QEMU's direct kernel boot. */
        DISK,
        /** The host's {@code /} shared read-only over 9p as the root, an init script of the host run as init. */
        KERNEL
    }

    private static final Logger log = LoggerFactory.getLogger(GuestKit.class);

    private final Path home;
    private final Properties props;

    private GuestKit(Path home, Properties props) {
        this.home = home;
        this.props = props;
    }

    /**
     * The kit in {@code home}, checked: it fails with a message that says how to build it when
     * it is missing. Reads {@code guest.properties} (blocking, small).
     *
     * @param home the kit's folder, holding {@code guest.properties}
     * @return the kit
     * @throws IllegalStateException if the kit is missing or its properties cannot be read
     */
    public static GuestKit at(Path home) {
        Path file = home.resolve("guest.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("guest kit not found at " + home
                    + ": build it with GuestKit.ensure() or ./qemu-reactor guest build");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new GuestKit(home, p);
    }

    /**
     * The kit in {@link #defaultHome()}, which must have been built: fails with
     * {@link IllegalStateException} naming the way to build it otherwise. Prefer {@link #ensure()}
     * where a missing kit should be built rather than reported.
     *
     * @return the kit
     * @throws IllegalStateException if the kit is missing or cannot be read
     */
    public static GuestKit locate() {
        return at(defaultHome());
    }

    /**
     * The kit in {@link #defaultHome()}, built first when it is missing or out of date (see
     * {@link #ensure(Path, Consumer)}). Lazy: nothing happens until subscription, so a test class
     * can hold this {@code Mono} in a static field without failing in its initializer. The builder's
     * lines are logged at INFO.
     *
     * @return a cold Mono of the kit; fails with {@link IllegalStateException} when the build fails
     */
    public static Mono<GuestKit> ensure() {
        return Mono.defer(() -> ensure(defaultHome(), line -> log.info("{}", line)));
    }

    /**
     * The kit in {@code home}, built first when it is missing or out of date, by the kit builder
     * shipped in this jar (the repository's {@code scripts/build-guest}, byte for byte). An up-to-date
     * kit costs about a second (the builder hashes its inputs); a first build downloads a Debian
     * kernel with {@code apt-get download} (~70 MB) and takes about a minute. Needs the Debian
     * packages docs/guest.md lists; the builder names the missing ones. Each line the builder
     * prints goes to {@code progress}; a failure carries its last line. Cold; cancelling stops the
     * builder.
     *
     * @param home the kit's folder
     * @param progress receives each line the builder prints, on a Reactor worker thread; must not block long
     * @return a cold Mono of the kit; fails with {@link IllegalStateException} when the build exits non-zero
     */
    public static Mono<GuestKit> ensure(Path home, Consumer<String> progress) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(progress, "progress");
        return KitBuilder.build(home, false, progress).then(Mono.fromCallable(() -> at(home)));
    }

    /**
     * Like {@link #ensure(Path, Consumer)}, but builds the kit anew even when it is up to date.
     *
     * @param home the kit's folder
     * @param progress receives each line the builder prints
     * @return a cold Mono of the rebuilt kit; fails with {@link IllegalStateException} when the build fails
     */
    public static Mono<GuestKit> rebuild(Path home, Consumer<String> progress) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(progress, "progress");
        return KitBuilder.build(home, true, progress).then(Mono.fromCallable(() -> at(home)));
    }

    /**
     * The system property {@code qemu.reactor.home}, else {@code $QEMU_REACTOR_HOME}, else {@code ~/}{@value #DEFAULT_HOME}.
     *
     * @return the default kit folder (not checked to exist)
     */
    public static Path defaultHome() {
        String prop = System.getProperty("qemu.reactor.home");
        String env = System.getenv("QEMU_REACTOR_HOME");
        return prop != null && !prop.isBlank() ? Path.of(prop)
                : env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), DEFAULT_HOME);
    }

    /**
     * The kit's folder.
     *
     * @return the folder given to {@link #at(Path)}
     */
    public Path home() {
        return home;
    }

    /**
     * The guest kernel image.
     *
     * @return its path, as recorded in {@code guest.properties}
     * @throws IllegalStateException if the kit does not record it (rebuild the kit)
     */
    public Path kernel() {
        return path("kernel");
    }

    /**
     * The initramfs (busybox, qemu-ga).
     *
     * @return its path, as recorded in {@code guest.properties}
     * @throws IllegalStateException if the kit does not record it (rebuild the kit)
     */
    public Path initrd() {
        return path("initrd");
    }

    /**
     * The root filesystem image the disk flavour boots from.
     *
     * @return its path, as recorded in {@code guest.properties}
     * @throws IllegalStateException if the kit does not record it (rebuild the kit)
     */
    public Path disk() {
        return path("disk");
    }

    /**
     * The default init script of the kernel flavour (prints the marker, runs qemu-ga).
     *
     * @return its path, as recorded in {@code guest.properties}
     * @throws IllegalStateException if the kit does not record it (rebuild the kit)
     */
    public Path kernelInit() {
        return path("kernelInit");
    }

    /**
     * The kernel modules a kernel-flavour init script loads itself, in load order: {@code uio} and
     * {@code uio_pci_generic} for a DPDK function ({@link #dpdkModules()}), {@code llc}, {@code stp} and
     * {@code bridge} for a kernel bridge ({@link #bridgeModules()}).
     *
     * @param group the module group, e.g. {@code dpdk} or {@code bridge}
     * @return the modules' paths, in load order
     * @throws IllegalStateException if the kit has no such group (rebuild it)
     */
    public java.util.List<Path> modules(String group) {
        String value = props.getProperty(group + "Modules");
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("guest kit at " + home + " has no " + group
                    + " modules: run scripts/build-guest --force");
        }
        return java.util.Arrays.stream(value.split(",")).map(Path::of).toList();
    }

    /**
     * {@code uio.ko}, {@code uio_pci_generic.ko}: what DPDK's virtio PMD needs in the guest.
     *
     * @return the modules' paths, in load order
     * @throws IllegalStateException if the kit has none (rebuild it)
     */
    public java.util.List<Path> dpdkModules() {
        return modules("dpdk");
    }

    /**
     * {@code llc.ko}, {@code stp.ko}, {@code bridge.ko}: the guest kernel's bridge.
     *
     * @return the modules' paths, in load order
     * @throws IllegalStateException if the kit has none (rebuild it)
     */
    public java.util.List<Path> bridgeModules() {
        return modules("bridge");
    }

    /**
     * The line the guest prints on its console once it is up.
     *
     * @return the marker, {@code qemu-reactor-guest: ready} unless the kit says otherwise
     */
    public String marker() {
        return props.getProperty("marker", "qemu-reactor-guest: ready");
    }

    /**
     * A probe that is ready when the console shows {@link #marker()}.
     *
     * @return the probe
     */
    public BootProbe readyProbe() {
        return BootProbe.serialMarker(Pattern.quote(marker()));
    }

    /**
     * The boot source of a flavour; the kernel flavour runs the kit's own init script.
     *
     * @param flavour how the guest boots
     * @return the boot source
     * @throws IllegalStateException if the kit lacks a file the flavour needs
     */
    public BootSource bootSource(Flavour flavour) {
        return bootSource(flavour, kernelInit());
    }

    /**
     * The boot source of a flavour; {@code init} is the script the kernel flavour runs (ignored by the others).
     *
     * @param flavour how the guest boots
     * @param init the host script the kernel flavour runs as init
     * @return the boot source
     * @throws IllegalStateException if the kit lacks a file the flavour needs
     */
    public BootSource bootSource(Flavour flavour, Path init) {
        Objects.requireNonNull(flavour, "flavour");
        return switch (flavour) {
            case DEFAULT -> BootSource.kernel(kernel(), initrd(), "");
            case DISK -> BootSource.diskImage(disk()).withSnapshot().withDirectKernel(kernel(), initrd(), "root=/dev/vda");
            case KERNEL -> BootSource.kernel(kernel(), initrd(), "")
                    .withNinePRoot(BootSource.NinePRoot.hostRoot(init));
        };
    }

    /**
     * A spec builder for the guest: 1 vCPU, 256 MiB, this flavour's boot source; the rest is the caller's.
     *
     * @param id the VM id (unique per host: it is a MAC octet)
     * @param flavour how the guest boots
     * @return a new builder
     * @throws IllegalStateException if the kit lacks a file the flavour needs
     */
    public VmSpec.Builder spec(int id, Flavour flavour) {
        return VmSpec.builder().id(id).smp(1).memoryMib(256).bootSource(bootSource(flavour));
    }

    private Path path(String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("guest kit at " + home + " has no '" + key
                    + "': rebuild it with ./qemu-reactor guest build --force (or scripts/build-guest --force)");
        }
        return Path.of(value);
    }
}
