package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.qmp.QmpCommand;
import io.qemureactor.transport.internal.Json;
import java.util.List;
import java.util.Optional;

/** The typed catalogue of guest-agent commands. */
public final class QgaCommands {

    private QgaCommands() {
    }

    /** {@code guest-ping}. */
    public static QmpCommand<Void> ping() {
        return QmpCommand.of("guest-ping", null, r -> null);
    }

    /** {@code guest-info}: agent version and supported commands. */
    public static QmpCommand<GuestInfo> info() {
        return QmpCommand.of("guest-info", null, GuestInfo::from);
    }

    /** {@code guest-network-get-interfaces}: names, MACs, addresses. */
    public static QmpCommand<List<GuestNetworkInterface>> networkInterfaces() {
        return QmpCommand.of("guest-network-get-interfaces", null, GuestNetworkInterface::listFrom);
    }

    /** {@code guest-shutdown}: no reply on success, so it completes when written. */
    public static QmpCommand<Void> shutdown(ShutdownMode mode) {
        return QmpCommand.withoutReply("guest-shutdown", Json.object().put("mode", mode.wireName()));
    }

    /** {@code guest-suspend-disk}, {@code -ram} or {@code -hybrid}: no reply on success. */
    public static QmpCommand<Void> suspend(String kind) {
        return QmpCommand.withoutReply("guest-suspend-" + kind, null);
    }

    /** {@code guest-exec} with captured output: emits the guest pid. */
    public static QmpCommand<Long> exec(String path, List<String> args) {
        ObjectNode arguments = Json.object().put("path", path).put("capture-output", true);
        ArrayNode argv = arguments.putArray("arg");
        args.forEach(argv::add);
        return QmpCommand.of("guest-exec", arguments, r -> r.path("pid").asLong());
    }

    /** {@code guest-exec-status}: the result once the program has exited, empty before. */
    public static QmpCommand<Optional<ExecResult>> execStatus(long pid) {
        return QmpCommand.of("guest-exec-status", Json.object().put("pid", pid), ExecResult::fromStatus);
    }

    /** {@code guest-sync-delimited}: used by the client's resynchronisation. */
    static JsonNode syncDelimited(long id) {
        return Json.object().put("execute", "guest-sync-delimited").set("arguments", Json.object().put("id", id));
    }
}
