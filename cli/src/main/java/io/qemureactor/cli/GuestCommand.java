package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor guest build [--force]}: the test guest kit, built where the library looks for it. */
@Command(name = "guest",
        mixinStandardHelpOptions = true,
        description = "The test guest kit (docs/guest.md).",
        subcommands = {GuestCommand.Build.class})
final class GuestCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a guest command: build");
    }

    /** {@code guest build}: builds the kit, or says it is up to date; prints its folder on stdout. */
    @Command(name = "build",
            mixinStandardHelpOptions = true,
            description = {"Builds the test guest kit into $QEMU_REACTOR_HOME (default ~/" + GuestKit.DEFAULT_HOME + ")",
                    "with the builder shipped in the jar; prints the kit's folder. A kit that is up to date is kept."})
    static final class Build implements ReactiveCommand {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--force", description = "Rebuild even when the kit is up to date.")
        boolean force;

        @Override
        public Mono<Integer> execute() {
            return GuestKits.build(force, System.err).map(kit -> {
                spec.commandLine().getOut().println(kit.home());
                spec.commandLine().getOut().flush();
                return 0;
            });
        }
    }
}
