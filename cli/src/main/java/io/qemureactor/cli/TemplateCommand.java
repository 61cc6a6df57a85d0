package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetMember;
import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.launch.QemuLauncher;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.spec.InvalidVmSpecException;
import io.qemureactor.core.spec.VmSpec;
import io.qemureactor.core.template.CloneOptions;
import io.qemureactor.core.template.InvalidTemplateException;
import io.qemureactor.core.template.TemplateMaker;
import io.qemureactor.core.template.TemplateRestorer;
import io.qemureactor.core.template.VmTemplate;
import io.qemureactor.qga.ExecResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reactor.core.publisher.Mono;

/**
 * {@code qemu-reactor template create DIR} and {@code template delete DIR}: VM templates of the test guest
 * (docs/templates.md). Clones are started by {@code boot --template DIR}.
 */
@Command(name = "template",
        mixinStandardHelpOptions = true,
        description = "VM templates: boot the test guest once, save it, start clones with boot --template DIR.",
        subcommands = {TemplateCommand.Create.class, TemplateCommand.Delete.class})
final class TemplateCommand implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(TemplateCommand.class);
    /** Opening a template reads its 0.3 MB state file for the checksum. */
    private static final Duration OPEN_LIMIT = Duration.ofSeconds(30);
    /** How long {@code create} waits, after it ended, for the cleanups of its failed or cancelled launch. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(60);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a template command: create or delete");
    }

    /** {@code boot --template DIR}'s members: clones 1..count of the template, each with its {@code options}. */
    static Mono<List<FleetMember>> clones(QemuLauncher launcher, Path dir, int count, IntFunction<CloneOptions> options) {
        return open(dir).flatMap(template -> GuestKits.located().map(kit -> {
            TemplateRestorer restorer = new TemplateRestorer(launcher);
            List<FleetMember> members = new ArrayList<>();
            for (int id = 1; id <= count; id++) {
                VmSpec clone = GuestSpecs.fromOrigin(kit, id, template.manifest().accelerator(), template.manifest().origin(),
                        dir.toString());
                members.add(restorer.member(template, clone, options.apply(id)));
            }
            return members;
        }));
    }

    /** The template in {@code dir}, checked; a missing or damaged one fails in one line. */
    static Mono<VmTemplate> open(Path dir) {
        return VmTemplate.open(dir)
                .timeout(OPEN_LIMIT, Mono.error(() -> CliFailure.usage("template " + dir + ": its files were not read within "
                        + OPEN_LIMIT.toSeconds() + " s")))
                .onErrorMap(InvalidTemplateException.class, e -> CliFailure.usage(e.getMessage()));
    }

    /** {@code template create DIR}: boots the test guest, runs --setup, saves it into DIR. */
    @Command(name = "create",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {"Boots the test guest (docs/guest.md) once and saves it as a template in DIR (created; must not "
                    + "exist or be empty): its RAM (a file of --mem MiB), its device state and a manifest.",
                    "The clones use the same --accel, --smp, --mem and --append: qemu-reactor boot --template DIR --count N.",
                    "--mode is default or disk (a kernel VM's root is the host's live file system)."})
    static final class Create implements ReactiveCommand {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "DIR", description = "The template's folder (letters, digits, . _ + - / only).")
        Path dir;

        @Mixin
        GuestOptions guest;

        @Option(names = "--nics", paramLabel = "N", defaultValue = "0",
                description = "virtio-net NICs (user networking, as boot --nics); each clone gets its own MACs "
                        + "(set in the guest after the restore) (default: ${DEFAULT-VALUE}).")
        int nics;

        @Option(names = "--setup", paramLabel = "CMD",
                description = "A command run in the guest through its agent (/bin/sh -c CMD) before it is saved; "
                        + "every clone starts with its effects. A non-zero exit fails the command.")
        String setup;

        @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "180s", converter = DurationConverter.class,
                description = "How long the guest may take to boot (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Mixin
        RunDirOption runDir;

        /** The launcher of this run, once there is one: Ctrl-C awaits its cancelled launch's cleanup. */
        private volatile QemuLauncher launcher;

        @Override
        public Mono<Void> settled() {
            return Mono.defer(() -> launcher == null ? Mono.empty() : launcher.settled());
        }

        @Override
        public Mono<Integer> execute() {
            return Mono.defer(() -> {
                checkOptions();
                return GuestKits.located().flatMap(this::create);
            });
        }

        private void checkOptions() {
            GuestKit.Flavour flavour = guest.flavour();
            if (flavour == GuestKit.Flavour.KERNEL) {
                throw CliFailure.usage("--mode kernel cannot be a template: its 9p root is the host's live file system, which a "
                        + "saved guest cannot resume on safely (use --mode default or disk)");
            }
            if (nics < 0) {
                throw CliFailure.usage("--nics must be 0 or more, got " + nics);
            }
        }

        private Mono<Integer> create(GuestKit kit) {
            GuestKit.Flavour flavour = guest.flavour();
            VmSpec vm;
            try {
                vm = GuestSpecs.withNics(guest.builder(1, GuestSpecs.source(kit, flavour, guest.append)), nics).build();
            } catch (InvalidVmSpecException e) {
                throw FailureText.invalidSpec(e);
            }
            QemuLauncher run = new QemuLauncher(runDir.launchOptions());
            launcher = run;
            BootProbe probe = BootProbe.all(kit.readyProbe(), BootProbe.qga()).withTimeout(timeout);
            long started = System.nanoTime();
            // whatever the outcome, the cleanups of a failed launch are over before the command ends
            Mono<Void> settledQuietly = run.settled().timeout(SETTLE_LIMIT).onErrorResume(e -> {
                log.warn("the template's failed launch was not cleaned up within {} s: {}", SETTLE_LIMIT.toSeconds(), e.toString());
                return Mono.empty();
            });
            return Mono.usingWhen(Mono.just(run),
                            l -> new TemplateMaker(l).create(dir, vm, probe, v -> setup == null ? Mono.empty() : runSetup(v),
                                    GuestSpecs.origin(flavour, guest.smp, guest.memoryMib, guest.append, nics)),
                            l -> settledQuietly, (l, e) -> settledQuietly, l -> Mono.empty()) // cancelled: settled() awaits it
                    .onErrorMap(InvalidTemplateException.class, e -> CliFailure.usage(e.getMessage()))
                    .map(made -> {
                        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
                        PrintWriter out = spec.commandLine().getOut();
                        out.println("template " + made.folder() + ": " + made.manifest().memoryMib() + " MiB RAM file, device state "
                                + made.manifest().stateBytes() / 1024 + " KiB, QEMU " + made.manifest().qemuVersion() + ", "
                                + made.manifest().accelerator().name().toLowerCase(java.util.Locale.ROOT) + ", made in " + ms + " ms");
                        out.println("clones: qemu-reactor boot --template " + made.folder() + " --count N");
                        out.flush();
                        return 0;
                    });
        }

        private Mono<Void> runSetup(io.qemureactor.core.vm.RunningVm vm) {
            return vm.qga().flatMap(a -> a.exec("/bin/sh", "-c", setup)).flatMap((ExecResult r) -> r.succeeded()
                    ? Mono.<Void>empty()
                    : Mono.error(CliFailure.usage("--setup exited with status " + r.exitCode() + ": "
                            + (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip())));
        }
    }

    /** {@code template delete DIR}: removes a template's files (clones that run keep their memory). */
    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Removes the template in DIR (its manifest, state and RAM file; the folder if then empty).")
    static final class Delete implements ReactiveCommand {

        @Parameters(index = "0", paramLabel = "DIR", description = "The template's folder.")
        Path dir;

        @Override
        public Mono<Integer> execute() {
            return open(dir).flatMap(VmTemplate::delete).thenReturn(0);
        }
    }
}
