package io.qemureactor.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real {@link QemuMachineNone} per test class: started before the first test (after its
 * monitor socket exists), killed by pid and its folder deleted after the last.
 *
 * <p>Either declare it and take the fixture as a parameter of a test, constructor or
 * {@code @BeforeAll} method:
 * <pre>{@code
 * @ExtendWith(QemuMachineNoneExtension.class)
 * class MyIT {
 *     @Test void t(QemuMachineNone qemu) { ... qemu.qmpAddress() ... }
 * }
 * }</pre>
 * or register it in a static field and use its accessor:
 * <pre>{@code
 * @RegisterExtension static QemuMachineNoneExtension QEMU = new QemuMachineNoneExtension();
 * ... QEMU.qemu().qmpAddress() ...
 * }</pre>
 */
public class QemuMachineNoneExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final List<String> extraArgs;
    private volatile QemuMachineNone qemu;

    /** QEMU with the default arguments. */
    public QemuMachineNoneExtension() {
        this(List.of());
    }

    /** QEMU with extra arguments appended. */
    public QemuMachineNoneExtension(List<String> extraArgs) {
        this.extraArgs = List.copyOf(extraArgs);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        qemu = QemuMachineNone.start(extraArgs);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        QemuMachineNone running = qemu;
        qemu = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running QEMU of the current test class. */
    public QemuMachineNone qemu() {
        QemuMachineNone running = qemu;
        if (running == null) {
            throw new IllegalStateException("QEMU is not running (used outside the test class lifecycle?)");
        }
        return running;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == QemuMachineNone.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return qemu();
    }
}
