package io.qemureactor.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.qmp.QmpClient;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.qmp.QmpEvent;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code qemu-reactor events --socket PATH}: QMP events as JSON lines, as they arrive. */
@Command(name = "events",
        mixinStandardHelpOptions = true,
        description = {"Print each QMP event as one JSON line as it arrives.",
                "Ends after --count events, when --timeout passes (exit 0 without --count, "
                        + "2 when fewer than --count came), or when QEMU closes the monitor."})
final class EventsCommand implements ReactiveCommand {

    @Spec
    CommandSpec spec;

    @Mixin
    SocketOption socket;

    @Mixin
    TraceOption trace;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events.")
    Long count;

    @Option(names = "--timeout", paramLabel = "DUR", converter = DurationConverter.class,
            description = "Stop after this long (default: run until QEMU closes the monitor or Ctrl-C).")
    Duration timeout;

    @Override
    public Mono<Integer> execute() {
        return Mono.defer(() -> {
            if (count != null && count < 1) {
                throw CliFailure.usage("--count must be at least 1, got " + count);
            }
            PrintWriter out = spec.commandLine().getOut();
            QmpConnectOptions options = trace.applyTo(QmpConnectOptions.defaults()
                    .withConnectTimeout(timeout == null ? Duration.ofSeconds(10) : timeout));
            Flux<QmpEvent> events = Flux.usingWhen(
                    QmpClient.connect(socket.address(), options),
                    client -> client.events().takeUntilOther(client.onClose()),
                    QmpClient::close);
            if (count != null) {
                events = events.take(count);
            }
            if (timeout != null) {
                events = events.take(timeout);
            }
            return events.doOnNext(e -> {
                out.println(Json.write(toJson(e)));
                out.flush();
            }).count().map(seen -> {
                if (count != null && seen < count) {
                    throw CliFailure.usage("got " + seen + " of " + count + " events"
                            + (timeout != null ? " within " + timeout.toMillis() + " ms" : " before QEMU closed the monitor"));
                }
                return 0;
            });
        });
    }

    /** The event as QEMU sent it: {@code {"event":…,"data":…,"timestamp":{"seconds":…,"microseconds":…}}}. */
    private static ObjectNode toJson(QmpEvent e) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("event", e.name());
        node.set("data", e.data());
        ObjectNode ts = node.putObject("timestamp");
        ts.put("seconds", e.timestamp().getEpochSecond());
        ts.put("microseconds", e.timestamp().getNano() / 1000);
        return node;
    }
}
