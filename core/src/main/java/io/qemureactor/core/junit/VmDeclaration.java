package io.qemureactor.core.junit;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link BootVm} with full control: the spec, the probe, optionally the host it goes on (for
 * example an {@code SshHost} wrapped in a {@link FleetHost}; default this machine) and a number
 * of host CPUs its vCPUs are pinned to once it is up. Immutable; {@code on}/{@code pinning}
 * return copies.
 *
 * <pre>{@code
 * @BootVm static final VmDeclaration dut = VmDeclaration.of(spec, BootProbe.qga().withTimeout(Duration.ofMinutes(3)))
 *         .pinning(1);
 * }</pre>
 *
 * @param spec    the VM
 * @param probe   decides when it is ready
 * @param host    where it runs; empty: this machine
 * @param pinCpus host CPUs of its own (0: not pinned); see {@link FleetMember#pinning(int)}
 * @param template how the VM comes up: booted, a clone of a template the extension makes from the spec and
 *                 probe before the class's tests, or such a clone replaced by a fresh one before each test
 */
public record VmDeclaration(VmSpec spec, BootProbe probe, Optional<FleetHost> host, int pinCpus, TemplateUse template) {

    /** How a declared VM uses a template (docs/templates.md). */
    public enum TemplateUse {
        /** Booted; no template. */
        NONE,
        /** The extension boots the spec once as a template (its probe must include the agent) and the test gets a clone. */
        CLONE,
        /** As {@link #CLONE}, and before every test but the first the clone is killed and a fresh one restored. */
        RESET_BEFORE_EACH_TEST
    }

    /**
     * A booted VM.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @param host where it runs; empty: this machine
     * @param pinCpus host CPUs of its own (0: not pinned)
     */
    public VmDeclaration(VmSpec spec, BootProbe probe, Optional<FleetHost> host, int pinCpus) {
        this(spec, probe, host, pinCpus, TemplateUse.NONE);
    }

    /**
     * Validates the components.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @param host where it runs; empty: this machine
     * @param pinCpus host CPUs of its own (0: not pinned); see {@link FleetMember#pinning(int)}
     * @param template how the VM comes up: booted, a clone of a template the extension makes from the spec
     *        and probe before the class's tests, or such a clone replaced by a fresh one before each test
     * @throws NullPointerException if {@code spec}, {@code probe}, {@code host} or {@code template} is null
     * @throws IllegalArgumentException if {@code pinCpus} is negative, or a template VM names a host
     */
    public VmDeclaration {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(template, "template");
        if (template != TemplateUse.NONE && host.isPresent()) {
            throw new IllegalArgumentException(spec.name() + ": templates are local to this machine; a template VM takes no host");
        }
        if (pinCpus < 0) {
            throw new IllegalArgumentException(spec.name() + ": pinCpus " + pinCpus + " is negative");
        }
    }

    /**
     * {@code spec} on this machine, ready when {@code probe} says so.
     *
     * @param spec the VM
     * @param probe decides when it is ready
     * @return a booted, unpinned declaration
     */
    public static VmDeclaration of(VmSpec spec, BootProbe probe) {
        return new VmDeclaration(spec, probe, Optional.empty(), 0);
    }

    /**
     * A copy that runs on {@code fleetHost}.
     *
     * @param fleetHost the host, e.g. an {@code SshHost} wrapped in a {@link FleetHost}
     * @return the copy
     * @throws IllegalArgumentException if this declaration uses a template
     */
    public VmDeclaration on(FleetHost fleetHost) {
        return new VmDeclaration(spec, probe, Optional.of(fleetHost), pinCpus, template);
    }

    /**
     * A copy whose vCPUs are pinned to {@code cpus} host CPUs of its own once it is up.
     *
     * @param cpus how many host CPUs; 0: not pinned
     * @return the copy
     * @throws IllegalArgumentException if {@code cpus} is negative
     */
    public VmDeclaration pinning(int cpus) {
        return new VmDeclaration(spec, probe, host, cpus, template);
    }

    /**
     * A copy that is a clone of a template made from this declaration's spec and probe (once per class).
     *
     * @return the copy
     * @throws IllegalArgumentException if this declaration names a host
     */
    public VmDeclaration fromTemplate() {
        return new VmDeclaration(spec, probe, host, pinCpus, TemplateUse.CLONE);
    }

    /**
     * A copy that is a clone of a template, replaced by a fresh clone before each test: a fresh VM per test.
     *
     * @return the copy
     * @throws IllegalArgumentException if this declaration names a host
     */
    public VmDeclaration resetToTemplateBeforeEachTest() {
        return new VmDeclaration(spec, probe, host, pinCpus, TemplateUse.RESET_BEFORE_EACH_TEST);
    }
}
