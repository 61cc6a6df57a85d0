package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qemureactor.qmp.QmpCommand;
import io.qemureactor.transport.internal.Json;
import java.util.List;
import java.util.Optional;

/**
 * The typed catalogue of guest-agent commands, as {@link QmpCommand}s for
 * {@link QgaClient#execute(QmpCommand)}. Each call returns an immutable command that can be
 * reused; commands not here run with {@code QmpCommand.of(name, arguments)}.
 */
public final class QgaCommands {

    private QgaCommands() {
    }

    /**
     * {@code guest-ping}: the agent is there and answering.
     *
     * @return the command; its result is empty
     */
    public static QmpCommand<Void> ping() {
        return QmpCommand.of("guest-ping", null, r -> null);
    }

    /**
     * {@code guest-info}: agent version and supported commands.
     *
     * @return the command
     */
    public static QmpCommand<GuestInfo> info() {
        return QmpCommand.of("guest-info", null, GuestInfo::from);
    }

    /**
     * {@code guest-network-get-interfaces}: names, MACs, addresses.
     *
     * @return the command
     */
    public static QmpCommand<List<GuestNetworkInterface>> networkInterfaces() {
        return QmpCommand.of("guest-network-get-interfaces", null, GuestNetworkInterface::listFrom);
    }

    /**
     * {@code guest-shutdown}: no reply on success ({@link QmpCommand.Reply#ONLY_ON_ERROR}), so it
     * completes when written.
     *
     * @param mode power down, halt or reboot
     * @return the command
     */
    public static QmpCommand<Void> shutdown(ShutdownMode mode) {
        return QmpCommand.withoutReply("guest-shutdown", Json.object().put("mode", mode.wireName()));
    }

    /**
     * {@code guest-suspend-disk}, {@code -ram} or {@code -hybrid}: no reply on success, so it
     * completes when written.
     *
     * @param kind {@code disk}, {@code ram} or {@code hybrid}
     * @return the command
     */
    public static QmpCommand<Void> suspend(String kind) {
        return QmpCommand.withoutReply("guest-suspend-" + kind, null);
    }

    /**
     * {@code guest-exec} with captured output; {@link QgaClient#exec(String, List)} also waits for
     * the program to exit.
     *
     * @param path the program's path in the guest
     * @param args its arguments
     * @return the command; its result is the guest pid to poll with {@link #execStatus(long)}
     */
    public static QmpCommand<Long> exec(String path, List<String> args) {
        ObjectNode arguments = Json.object().put("path", path).put("capture-output", true);
        ArrayNode argv = arguments.putArray("arg");
        args.forEach(argv::add);
        return QmpCommand.of("guest-exec", arguments, r -> r.path("pid").asLong());
    }

    /**
     * {@code guest-exec-status}.
     *
     * @param pid the guest pid {@code guest-exec} returned
     * @return the command; its result is the outcome once the program has exited, empty before
     */
    public static QmpCommand<Optional<ExecResult>> execStatus(long pid) {
        return QmpCommand.of("guest-exec-status", Json.object().put("pid", pid), ExecResult::fromStatus);
    }

    /** {@code guest-sync-delimited}: used by the client's resynchronisation. */
    static JsonNode syncDelimited(long id) {
        return Json.object().put("execute", "guest-sync-delimited").set("arguments", Json.object().put("id", id));
    }
}
