package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.function.InitScript;
import io.qemureactor.core.function.KernelVmFunction;
import io.qemureactor.core.probe.ReadinessRule;
import io.qemureactor.core.function.KernelVm;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.spec.VmSpec;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * {@code boot --mode kernel --function CMD}: the network function every VM runs, as a {@link KernelVm}
 * of {@code KernelVmFunction.command("/bin/sh", "-c", CMD)} ready on {@code --ready-line}. Each VM is a
 * {@link KernelVm#member fleet member} whose run folder preparer writes the init script into that VM's own
 * run folder, so it goes with the VM (on shutdown, on a failed boot, and it stays with {@code --keep}).
 */
final class BootFunction {

    /** The line testpmd prints once forwarding; the default readiness line. */
    static final String DEFAULT_READY_LINE = "Press enter to exit";
    /** The function's name in the init script's console lines. */
    static final String NAME = "function";

    private final KernelVm kernelVm;

    private BootFunction(KernelVm kernelVm) {
        this.kernelVm = kernelVm;
    }

    /**
     * The function {@code command} (one string for {@code /bin/sh -c}), ready when a console line contains {@code readyLine}.
     * A blank {@code readyLine} is a usage error naming {@code --ready-line}: every console line contains it.
     */
    static BootFunction of(String command, String readyLine, Duration timeout) {
        if (readyLine.isBlank()) {
            throw CliFailure.usage("--ready-line must not be blank: every console line would say --function is up");
        }
        KernelVmFunction.Command fn = KernelVmFunction.command("/bin/sh", "-c", command).withName(NAME);
        return new BootFunction(KernelVm.of(fn.withReadiness(readiness(readyLine))).withProbeTimeout(timeout));
    }

    /**
     * {@link ReadinessRule#lineContaining}, except the init script's own {@code starting function: /bin/sh -c
     * CMD} line: it quotes the command, so with {@code --function "echo Press enter to exit; ..."} it would
     * pass the rule before the command has run.
     */
    static ReadinessRule readiness(String readyLine) {
        ReadinessRule rule = ReadinessRule.lineContaining(readyLine);
        Pattern success = Pattern.compile("^(?!" + Pattern.quote(InitScript.startingLine(NAME)) + ").*"
                + rule.success().pattern());
        return new ReadinessRule(success, rule.failures());
    }

    /**
     * A VM running the function: {@code base} (a kernel boot, e.g. the kit's kernel flavour) as
     * {@code KernelVm} launches it, the host's {@code /} over 9p, no guest agent, the function's probe.
     *
     * @throws io.qemureactor.core.function.InvalidFunctionConfigException when the configuration cannot work
     */
    FleetMember member(QemuLauncher launcher, VmSpec.Builder base) {
        return kernelVm.member(launcher, base);
    }
}
