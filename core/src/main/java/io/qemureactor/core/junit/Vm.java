package io.qemureactor.core.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a booted VM: on a parameter (of a test, lifecycle method or constructor) or a field
 * of type {@link io.qemureactor.core.vm.RunningVm}. The value names the {@link BootVm} field of
 * the test class or of an enclosing class ({@code @Nested}); the innermost class wins. Empty:
 * the only VM there is.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD})
public @interface Vm {

    /**
     * The name of the {@link BootVm} field; empty when the class has exactly one VM.
     *
     * @return the field name, or empty
     */
    String value() default "";
}
