package io.qemureactor.core.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A VM the test class needs: a {@code static} field of type
 * {@link io.qemureactor.core.spec.VmSpec} (booted with the probe these attributes describe) or
 * {@link VmDeclaration} (spec, probe, host and pinning all from the declaration; leave the
 * attributes at their defaults). The field's name is the VM's name for {@link Vm}.
 *
 * <pre>{@code
 * @BootVm static final VmSpec a = kit.spec(1, Flavour.DEFAULT).accelerator(Accelerator.TCG).build();
 * @BootVm(probe = ProbeKind.QGA, timeoutSeconds = 300) static final VmSpec b = ...;
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface BootVm {

    /**
     * How to tell the VM is up (for a {@code VmSpec} field).
     *
     * @return the probe kind; default {@link ProbeKind#SERIAL_MARKER}
     */
    ProbeKind probe() default ProbeKind.SERIAL_MARKER;

    /**
     * The text a console line must contain (literally) for the serial probes; empty: the test
     * guest kit's marker ({@code qemu-reactor-guest: ready}, from {@code GuestKit.locate()}).
     *
     * @return the marker text, or empty for the kit's
     */
    String marker() default "";

    /**
     * The probe's timeout in seconds; 0: the probe's own default (120 s for serial and agent, 30 s for QMP).
     *
     * @return the timeout in seconds, or 0
     */
    long timeoutSeconds() default 0;
}
