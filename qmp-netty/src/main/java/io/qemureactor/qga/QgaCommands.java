package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.transport.Json;
import java.util.List;
import java.util.Optional;

/** The typed catalogue of guest-agent commands. */
public final class QgaCommands {

    private QgaCommands() {
    }

    /** {@code guest-ping}. */
    public static QgaCommand<Void> ping() {
        return QgaCommand.of("guest-ping", null, r -> null);
    }

    /** {@code guest-info}: agent version and supported commands. */
    public static QgaCommand<GuestInfo> info() {
        return QgaCommand.of("guest-info", null, GuestInfo::from);
    }

    /** {@code guest-network-get-interfaces}: names, MACs, addresses. */
    public static QgaCommand<List<GuestNetworkInterface>> networkInterfaces() {
        return QgaCommand.of("guest-network-get-interfaces", null, GuestNetworkInterface::listFrom);
    }

    /** {@code guest-shutdown}: no reply on success, so it completes when written. */
    public static QgaCommand<Void> shutdown(ShutdownMode mode) {
        return QgaCommand.withoutReply("guest-shutdown", Json.object().put("mode", mode.wireName()));
    }

    /** {@code guest-suspend-disk}, {@code -ram} or {@code -hybrid}: no reply on success. */
    public static QgaCommand<Void> suspend(String kind) {
        return QgaCommand.withoutReply("guest-suspend-" + kind, null);
    }

    /** {@code guest-exec} with captured output: emits the guest pid. */
    public static QgaCommand<Long> exec(String path, List<String> args) {
        ObjectNode arguments = Json.object().put("path", path).put("capture-output", true);
        ArrayNode argv = arguments.putArray("arg");
        args.forEach(argv::add);
        return QgaCommand.of("guest-exec", arguments, r -> r.path("pid").asLong());
    }

    /** {@code guest-exec-status}: the result once the program has exited, empty before. */
    public static QgaCommand<Optional<ExecResult>> execStatus(long pid) {
        return QgaCommand.of("guest-exec-status", Json.object().put("pid", pid), ExecResult::fromStatus);
    }

    /** {@code guest-sync-delimited}: used by the client's resynchronisation. */
    static JsonNode syncDelimited(long id) {
        return Json.object().put("execute", "guest-sync-delimited").set("arguments", Json.object().put("id", id));
    }
}
