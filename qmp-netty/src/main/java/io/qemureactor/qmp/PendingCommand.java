package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import reactor.core.publisher.MonoSink;

/** A command written (or about to be) whose reply has not arrived; keyed by its id. */
final class PendingCommand {

    final long id;
    final String command;
    final boolean closesConnection;
    private final MonoSink<JsonNode> sink;

    PendingCommand(long id, String command, boolean closesConnection, MonoSink<JsonNode> sink) {
        this.id = id;
        this.command = command;
        this.closesConnection = closesConnection;
        this.sink = sink;
    }

    void complete(JsonNode returnValue) {
        sink.success(returnValue);
    }

    void fail(Throwable error) {
        sink.error(error);
    }
}
