package io.qemureactor.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.cmdline.RunLayout;
import io.qemureactor.core.cmdline.UnixSocketPathTooLongException;
import io.qemureactor.core.fleet.Topology;
import io.qemureactor.core.fleet.TopologyException;
import io.qemureactor.core.spec.Accelerator;
import io.qemureactor.core.spec.InvalidVmSpecException;
import io.qemureactor.core.spec.VmSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every exception of the engine is a {@link QemuReactorException}, in one of its two branches. */
class QemuReactorExceptionTest {

    /**
     * Not an error: a VM's console text attached to a failed test's exception as a suppressed exception, because
     * test reports print those; it is never thrown.
     */
    private static final Set<String> NOT_ERRORS = Set.of("io.qemureactor.core.junit.ConsoleTail");

    @Test
    void everyExceptionOfTheEngineIsUnderOneBranchOfTheRoot() {
        List<Class<?>> throwables = mainClasses().filter(Throwable.class::isAssignableFrom).toList();
        // the scan finds what it should: a failure to find classes must not pass as "all fine"
        assertThat(throwables).contains(QemuReactorException.class, InvalidVmSpecException.class,
                io.qemureactor.core.launch.VmLaunchException.class, io.qemureactor.core.fleet.FleetBootException.class);
        assertThat(throwables).filteredOn(c -> !NOT_ERRORS.contains(c.getName()))
                .filteredOn(c -> c != QemuReactorException.class && c != ConfigurationException.class
                        && c != OperationFailedException.class)
                .allSatisfy(c -> assertThat(ConfigurationException.class.isAssignableFrom(c)
                        || OperationFailedException.class.isAssignableFrom(c))
                        .as("%s extends ConfigurationException or OperationFailedException", c.getName()).isTrue());
        assertThat(Modifier.isAbstract(QemuReactorException.class.getModifiers())
                && Modifier.isAbstract(ConfigurationException.class.getModifiers())
                && Modifier.isAbstract(OperationFailedException.class.getModifiers()))
                .as("the root and its branches are abstract: every error has a type of its own").isTrue();
    }

    @Test
    void anInvalidSpecIsAConfigurationError() {
        try {
            VmSpec.builder().id(0).diskImage(Path.of("/img/disk.img")).build();
            throw new AssertionError("an id of 0 was accepted");
        } catch (ConfigurationException e) {
            assertThat(e).isInstanceOf(InvalidVmSpecException.class).isInstanceOf(QemuReactorException.class)
                    .hasMessageContaining("id: 0 is outside 1..255");
        }
    }

    @Test
    void aSocketPathTooLongAndABadTopologyAreConfigurationErrors() {
        VmSpec spec = VmSpec.builder().id(1).diskImage(Path.of("/img/disk.img")).build();
        RunLayout deep = RunLayout.in(Path.of("/tmp/" + "d".repeat(120)));
        QemuCommandLine cmd = QemuCommandLine.render(spec, Accelerator.TCG, deep);
        assertThat(catchConfiguration(cmd::checkUnixSocketPaths)).isInstanceOf(UnixSocketPathTooLongException.class)
                .hasMessageStartingWith("QMP socket path /tmp/ddd");
        assertThat(catchConfiguration(() -> Topology.parse("{\"hosts\": 3}", "fleet.json")))
                .isInstanceOf(TopologyException.class).hasMessageContaining("fleet.json");
    }

    private static ConfigurationException catchConfiguration(Runnable r) {
        try {
            r.run();
        } catch (ConfigurationException e) {
            return e;
        }
        throw new AssertionError("no ConfigurationException");
    }

    /** Every class compiled from core's main code (target/classes), loaded without initialising it. */
    private static Stream<Class<?>> mainClasses() {
        Path root;
        try {
            root = Path.of(QemuReactorException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> files = Files.walk(root)) {
            List<String> names = files.map(root::relativize).map(Path::toString).filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).toList();
            return names.stream().map(QemuReactorExceptionTest::load);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, QemuReactorExceptionTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
