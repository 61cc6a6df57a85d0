package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.function.GeneratedFile;
import io.qemureactor.core.function.InitScript;
import io.qemureactor.core.function.KernelVmFunction;
import io.qemureactor.core.function.ReadinessRule;
import io.qemureactor.core.kernelvm.KernelVm;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code boot --mode kernel --function CMD}: the network function every VM runs, as a {@link KernelVm}
 * of {@code KernelVmFunction.command("/bin/sh", "-c", CMD)} ready on {@code --ready-line}.
 *
 * <p>{@code KernelVm.start} writes the function's init script into each VM's run folder through the
 * launcher's {@code RunFolderPreparer}; a {@code Fleet} only takes {@code QemuLauncher.start(host, spec,
 * probe)}, which has no preparer. So the CLI writes the function's files once per host into a folder of
 * its own under the run base ({@code RUN_BASE/function-XXXXXX}: a command function's files do not depend
 * on the VM), boots every member with {@code init=} that folder's {@code init.sh} and the
 * {@code KernelVm}'s probe, and removes the folder when the run is over. The member spec is the one
 * {@code KernelVm} builds: the kit's kernel and initrd, the host's {@code /} over 9p, no guest agent.
 */
final class BootFunction {

    private static final Logger log = LoggerFactory.getLogger(BootFunction.class);
    /** The line testpmd prints once forwarding; the default readiness line. */
    static final String DEFAULT_READY_LINE = "Press enter to exit";
    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);
    /** The function's name in the init script's console lines. */
    static final String NAME = "function";

    private final KernelVm kernelVm;
    private final String runBase;
    private final Path folder;

    private BootFunction(KernelVm kernelVm, String runBase) {
        this.kernelVm = kernelVm;
        this.runBase = runBase;
        this.folder = Path.of(runBase, "function-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF)));
        KernelVmFunction.checkRunFolder(folder); // one word, absolute: it goes into the kernel command line
    }

    /** The function {@code command} (one string for {@code /bin/sh -c}), ready when a console line contains {@code readyLine}. */
    static BootFunction of(String command, String readyLine, Duration timeout, String runBase) {
        KernelVmFunction.Command fn = KernelVmFunction.command("/bin/sh", "-c", command).withName(NAME);
        return new BootFunction(KernelVm.of(fn.withReadiness(readiness(readyLine))).withProbeTimeout(timeout), runBase);
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
     * The init script's line that says the function exited ({@code qemu-reactor-init: function exited with
     * status 3, powering off}), from a failed launch's console tail.
     */
    static Optional<String> exitLine(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof VmLaunchException launch) {
                List<String> tail = launch.consoleTail();
                for (int i = tail.size() - 1; i >= 0; i--) {
                    String line = tail.get(i).strip();
                    int at = line.indexOf("qemu-reactor-init: " + NAME + " exited with status");
                    if (at >= 0) {
                        return Optional.of(line.substring(at));
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    KernelVm kernelVm() {
        return kernelVm;
    }

    /** The init script every VM boots with ({@code init=}). */
    Path initScript() {
        return kernelVm.function().initScript(folder);
    }

    /** The {@code KernelVm}'s probe: its readiness rule over the serial console, with {@code --timeout}. */
    BootProbe probe() {
        return kernelVm.probe();
    }

    /** A member's spec as {@code KernelVm} launches it: without the guest agent the init script does not run. */
    VmSpec spec(VmSpec base) {
        return base.toBuilder().noGuestAgent().build();
    }

    /** Writes the function's files on every host (the placement decides later which host runs which VM). */
    Mono<Void> write(List<FleetHost> hosts) {
        return Flux.fromIterable(hosts).concatMap(h -> write(h)).then();
    }

    private Mono<Void> write(FleetHost h) {
        List<GeneratedFile> files = kernelVm.function().files(folder);
        return h.host().exec(List.of("mkdir", "-p", "-m", "0700", runBase))
                .then(h.host().createPrivateFolder(folder.toString()))
                .then(KernelVm.writeFiles(h.host(), folder, files))
                .onErrorMap(e -> new CliFailure(OneLineErrors.USAGE, "error: cannot write the function's init script to "
                        + folder + " on " + h.name() + ": " + Errors.oneLine(Errors.unwrap(e))));
    }

    /** Removes the function's folder from every host; never fails (what cannot be removed is logged). */
    void remove(List<FleetHost> hosts) {
        Flux.fromIterable(hosts)
                .flatMap(h -> h.host().deleteFolder(folder.toString()).onErrorResume(e -> {
                    log.warn("cannot remove {} on {}: {}", folder, h.name(), e.toString());
                    return Mono.empty();
                }))
                .then()
                .onErrorResume(e -> Mono.empty())
                .block(CLEANUP_WAIT);
    }
}
