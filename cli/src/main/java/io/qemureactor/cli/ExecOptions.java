package io.qemureactor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code --socket PATH [--timeout DUR] [--trace] COMMAND [ARGS_JSON]}: one command to a QMP monitor or a guest agent. */
final class ExecOptions {

    @Mixin
    SocketOption socket;

    @Mixin
    TraceOption trace;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "10s", converter = DurationConverter.class,
            description = "Bound on each step: connecting, the agent's resync (qga), the command (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "The command, e.g. query-status (qmp) or guest-info (qga).")
    String command;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARGS_JSON", description = "Its arguments as a JSON object.")
    String arguments;

    /** ARGS_JSON parsed, or null without it; a usage error when it is not a JSON object. */
    JsonNode argumentsOrNull() {
        return Json.argumentsOrNull(arguments);
    }
}
