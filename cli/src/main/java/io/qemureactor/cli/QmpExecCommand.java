package io.qemureactor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpConnectOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor qmp --socket PATH COMMAND [ARGS_JSON]}: one QMP command, its return value as JSON. */
@Command(name = "qmp",
        mixinStandardHelpOptions = true,
        description = {"Run one QMP command and print its return value as JSON.",
                "Exit 0 on success, 1 when QEMU answers with an error (ERROR <class>: <desc>), "
                        + "2 when it cannot connect, the reply is malformed or the timeout passes."})
final class QmpExecCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SocketOption socket;

    @Option(names = "--timeout", paramLabel = "DUR", defaultValue = "10s", converter = DurationConverter.class,
            description = "Bound on connecting and on the command (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Parameters(index = "0", paramLabel = "COMMAND", description = "The QMP command, e.g. query-status.")
    String command;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ARGS_JSON", description = "Its arguments as a JSON object.")
    String arguments;

    @Override
    public Integer call() {
        JsonNode args = Json.argumentsOrNull(arguments);
        QmpConnectOptions options = QmpConnectOptions.defaults().withConnectTimeout(timeout).withCommandTimeout(timeout);
        JsonNode result = Mono.usingWhen(
                        QmpClient.connect(socket.address(), options),
                        client -> client.execute(command, args),
                        QmpClient::close)
                .block();
        spec.commandLine().getOut().println(Json.write(result));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
