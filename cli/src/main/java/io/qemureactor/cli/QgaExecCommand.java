package io.qemureactor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpTimeoutException;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpCommand;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.PeerAddress;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor qga --socket PATH COMMAND [ARGS_JSON]}: one guest-agent command, its return value as JSON. */
@Command(name = "qga",
        mixinStandardHelpOptions = true,
        description = {"Run one guest-agent (qemu-ga) command and print its return value as JSON.",
                "The client resynchronises with the agent first (0xFF + guest-sync-delimited).",
                "guest-shutdown and guest-suspend-* send no reply on success: they print nothing and exit 0.",
                "Exit 0 on success, 1 when the agent answers with an error (ERROR <class>: <desc>), "
                        + "2 when it cannot connect, the agent does not answer, the reply is malformed "
                        + "or the timeout passes."})
final class QgaExecCommand implements ReactiveCommand {

    /**
     * The commands qemu-ga does not answer on success ({@code success-response: false} in
     * {@code guest-info}). Hard-coded rather than asked for, to spare every call a round trip.
     */
    static final Set<String> NO_REPLY_ON_SUCCESS = Set.of(
            "guest-shutdown", "guest-suspend-disk", "guest-suspend-ram", "guest-suspend-hybrid");

    /**
     * How long to wait for an error reply to a command without a success reply. It also keeps the
     * connection open while QEMU passes the request to the guest's UART (closing an isa-serial
     * chardev's socket right after writing can drop what was written; see docs/guest.md).
     */
    static final Duration NO_REPLY_GRACE = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Mixin
    ExecOptions exec;

    @Override
    public Mono<Integer> execute() {
        return Mono.defer(() -> {
            JsonNode args = exec.argumentsOrNull();
            PeerAddress address = exec.socket.address();
            QmpConnectOptions options = exec.trace.applyTo(QmpConnectOptions.defaults()
                    .withConnectTimeout(exec.timeout)
                    .withSyncTimeout(exec.timeout)
                    .withCommandTimeout(exec.timeout));
            boolean noReply = NO_REPLY_ON_SUCCESS.contains(exec.command);
            return Mono.usingWhen(
                            QgaClient.connect(address, options),
                            client -> synced(client, address).then(noReply ? withoutReply(client, args) : client.execute(exec.command, args)),
                            QgaClient::close)
                    .map(result -> {
                        spec.commandLine().getOut().println(Json.write(result));
                        spec.commandLine().getOut().flush();
                        return 0;
                    })
                    .defaultIfEmpty(0);
        });
    }

    /** The resync, with a message that says the agent is not answering rather than naming the protocol step. */
    private Mono<Void> synced(QgaClient client, PeerAddress address) {
        return client.sync().onErrorMap(QmpTimeoutException.class, e -> CliFailure.usage(
                "the guest agent at " + address + " did not answer within " + DurationConverter.human(exec.timeout)
                        + " (is qemu-ga running in the guest?)"));
    }

    /**
     * A command without a success reply: an error reply within the grace is still reported (exit 1);
     * no reply, or the connection closing (the guest powered off and QEMU exited), is success.
     */
    private Mono<JsonNode> withoutReply(QgaClient client, JsonNode args) {
        Duration grace = exec.timeout.compareTo(NO_REPLY_GRACE) < 0 ? exec.timeout : NO_REPLY_GRACE;
        return client.execute(QmpCommand.of(exec.command, args).withTimeout(grace))
                .onErrorResume(e -> e instanceof QmpTimeoutException || e instanceof QmpConnectionClosedException,
                        e -> Mono.empty());
    }
}
