package io.qemureactor.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * The test guest kit built by {@code scripts/build-guest} (docs/guest.md): a Debian kernel, a
 * busybox + qemu-ga initramfs, an ext4 disk image and a default init script for the kernel
 * flavour, described by {@code guest.properties} in the kit folder.
 *
 * <p>The folder is the system property {@code qemu.reactor.home} when set (Failsafe passes
 * {@code QEMU_REACTOR_HOME} through it), else the environment variable {@code QEMU_REACTOR_HOME},
 * else {@code ~/.cache/qemu-reactor/guest}.
 */
public final class TestGuest {

    /** System property naming the kit folder. */
    public static final String HOME_PROPERTY = "qemu.reactor.home";
    /** Environment variable naming the kit folder (also read by scripts/build-guest). */
    public static final String HOME_ENV = "QEMU_REACTOR_HOME";
    /** The properties file in the kit folder. */
    public static final String PROPERTIES_FILE = "guest.properties";

    private final Path home;
    private final Properties properties;

    private TestGuest(Path home, Properties properties) {
        this.home = home;
        this.properties = properties;
    }

    /** The kit in the default folder; fails with "guest kit not found at DIR: run scripts/build-guest". */
    public static TestGuest kit() {
        return at(home());
    }

    /** The kit in {@code dir}; fails with "guest kit not found at DIR: run scripts/build-guest". */
    public static TestGuest at(Path dir) {
        Path file = dir.resolve(PROPERTIES_FILE);
        if (!Files.isRegularFile(file)) {
            throw notFound(dir, "no " + PROPERTIES_FILE);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw notFound(dir, "cannot read " + file + ": " + e.getMessage());
        }
        TestGuest kit = new TestGuest(dir, p);
        for (String key : new String[] {"kernel", "initrd", "disk", "kernelInit"}) {
            Path path = kit.path(key);
            if (!Files.isRegularFile(path)) {
                throw notFound(dir, key + " " + path + " is missing");
            }
        }
        kit.required("marker");
        return kit;
    }

    /** The kit folder this JVM uses (whether or not a kit is there). */
    public static Path home() {
        String prop = System.getProperty(HOME_PROPERTY);
        if (usable(prop)) {
            return Paths.get(prop.trim()).toAbsolutePath();
        }
        String env = System.getenv(HOME_ENV);
        if (usable(env)) {
            return Paths.get(env.trim()).toAbsolutePath();
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "qemu-reactor", "guest");
    }

    /** Blank, or a Maven expression left unresolved because the variable is not set. */
    private static boolean usable(String value) {
        return value != null && !value.isBlank() && !value.contains("${");
    }

    private static IllegalStateException notFound(Path dir, String detail) {
        return new IllegalStateException("guest kit not found at " + dir + ": run scripts/build-guest (" + detail + ")");
    }

    /** The kit folder. */
    public Path dir() {
        return home;
    }

    /** The kernel, for {@code -kernel} (an uncompressed PVH ELF or a bzImage: QEMU boots either). */
    public Path kernel() {
        return path("kernel");
    }

    /** The initramfs, for {@code -initrd} (all three flavours use it). */
    public Path initrd() {
        return path("initrd");
    }

    /** The disk flavour's ext4 root, attached as virtio-blk (use {@code snapshot=on} or {@code readonly=on}). */
    public Path disk() {
        return path("disk");
    }

    /** The default init script of the kernel flavour ({@code init=} on the kernel command line). */
    public Path kernelInit() {
        return path("kernelInit");
    }

    /** The line the guest prints on ttyS0 when it is up: {@code qemu-reactor-guest: ready}. */
    public String marker() {
        return required("marker");
    }

    /** The kernel release, such as {@code 6.1.0-56-amd64}. */
    public String kernelVersion() {
        return required("kernelVersion");
    }

    /** Any property of guest.properties, or null. */
    public String property(String key) {
        String v = properties.getProperty(key);
        return v == null ? null : v.trim();
    }

    private Path path(String key) {
        return Paths.get(required(key));
    }

    private String required(String key) {
        String v = property(key);
        if (v == null || v.isEmpty()) {
            throw notFound(home, PROPERTIES_FILE + " has no " + key);
        }
        return v;
    }

    @Override
    public String toString() {
        return "TestGuest[" + home + ", kernel " + property("kernelVersion") + "]";
    }
}
