package io.qemureactor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpConnectOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor qmp --socket PATH COMMAND [ARGS_JSON]}: one QMP command, its return value as JSON. */
@Command(name = "qmp",
        mixinStandardHelpOptions = true,
        description = {"Run one QMP command and print its return value as JSON.",
                "Exit 0 on success, 1 when QEMU answers with an error (ERROR <class>: <desc>), "
                        + "2 when it cannot connect, the reply is malformed or the timeout passes."})
final class QmpExecCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    ExecOptions exec;

    @Override
    public Mono<Integer> execute() {
        JsonNode args = exec.argumentsOrNull();
        QmpConnectOptions options = exec.trace.applyTo(
                QmpConnectOptions.defaults().withConnectTimeout(exec.timeout).withCommandTimeout(exec.timeout));
        return Mono.usingWhen(
                        QmpClient.connect(exec.socket.address(), options),
                        client -> client.execute(exec.command, args),
                        QmpClient::close)
                .map(result -> {
                    spec.commandLine().getOut().println(Json.write(result));
                    spec.commandLine().getOut().flush();
                    return 0;
                });
    }
}
