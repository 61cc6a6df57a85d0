package io.qemureactor.core.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class whose VMs ({@link BootVm} fields) are booted, concurrently and all or nothing,
 * before its tests, injected where {@link Vm} asks for them, and stopped after its tests,
 * whatever happened. Registers {@link QemuVmsExtension}; see {@code docs/junit.md}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(QemuVmsExtension.class)
public @interface QemuVms {

    /**
     * How long booting all the class's VMs may take, in seconds (each probe also has its own timeout).
     *
     * @return the boot timeout in seconds; default 600
     */
    long bootTimeoutSeconds() default 600;

    /**
     * How long stopping them after the class may take, in seconds; after that they are killed.
     *
     * @return the shutdown timeout in seconds; default 180
     */
    long shutdownTimeoutSeconds() default 180;

    /**
     * How many console lines of each VM a failed test's report gets.
     *
     * @return the number of lines; default 50
     */
    int consoleTailLines() default 50;
}
