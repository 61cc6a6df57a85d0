package io.qemureactor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code qemu-reactor} command line. Each subcommand is a small class; this one only wires
 * them and maps failures to the exit codes the README documents: 0 success, 1 a command the
 * peer refused (a QMP/QGA error), 2 anything else (bad input, cannot connect, timeout), always
 * as one line on stderr, never a stack trace.
 */
@Command(name = "qemu-reactor",
        mixinStandardHelpOptions = true,
        versionProvider = ToolVersion.class,
        description = "A reactive control plane for QEMU virtual machines.",
        subcommands = {VersionCommand.class, QmpExecCommand.class, QgaExecCommand.class, EventsCommand.class,
                BootCommand.class, ChainCommand.class, TemplateCommand.class, BenchCommand.class, GuestCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        return newCommandLine().execute(args);
    }

    static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new OneLineErrors());
        cli.setParameterExceptionHandler(new OneLineErrors());
        cli.setExecutionStrategy(Main::execute);
        return cli;
    }

    /**
     * picocli's {@code RunLast}, except that a {@link ReactiveCommand} runs through {@link CommandEdge}: its Mono
     * subscribed once, the main thread waiting for the exit code there and nowhere else.
     */
    private static int execute(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        CommandLine command = last.commandSpec().commandLine();
        if (!(command.getCommand() instanceof ReactiveCommand reactive)) {
            return new CommandLine.RunLast().execute(parsed);
        }
        try {
            return CommandEdge.run(reactive);
        } catch (CommandLine.ParameterException | CommandLine.ExecutionException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw new CommandLine.ExecutionException(command, e.toString(), e);
        }
    }

    @Override
    public void run() {
        // No subcommand: show what there is, and say it was not a valid call.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
