package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.transport.internal.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The typed catalogue of the QMP commands the engine uses, for
 * {@link QmpClient#execute(QmpCommand)}. Each call returns an immutable command that can be
 * reused; other commands run with {@code QmpCommand.of(name, arguments)}.
 */
public final class QmpCommands {

    private QmpCommands() {
    }

    /**
     * {@code query-status}: whether the vCPUs run, and the run state.
     *
     * @return the command
     */
    public static QmpCommand<StatusInfo> queryStatus() {
        return QmpCommand.of("query-status", null, StatusInfo::from);
    }

    /**
     * {@code query-version}: the QEMU version (the greeting has it too, without a round trip).
     *
     * @return the command
     */
    public static QmpCommand<QmpVersion> queryVersion() {
        return QmpCommand.of("query-version", null, QmpVersion::from);
    }

    /**
     * {@code query-kvm}: whether KVM is present and in use.
     *
     * @return the command
     */
    public static QmpCommand<KvmInfo> queryKvm() {
        return QmpCommand.of("query-kvm", null, KvmInfo::from);
    }

    /**
     * {@code query-cpus-fast}: the vCPUs with their host thread ids (what CPU pinning needs).
     *
     * @return the command
     */
    public static QmpCommand<List<CpuInfoFast>> queryCpusFast() {
        return QmpCommand.of("query-cpus-fast", null, QmpCommands::cpus);
    }

    /**
     * {@code stop}: pause the vCPUs (QEMU emits {@code STOP}).
     *
     * @return the command
     */
    public static QmpCommand<Void> stop() {
        return QmpCommand.action("stop", null);
    }

    /**
     * {@code cont}: resume the vCPUs (QEMU emits {@code RESUME}).
     *
     * @return the command
     */
    public static QmpCommand<Void> cont() {
        return QmpCommand.action("cont", null);
    }

    /**
     * {@code system_powerdown}: ACPI power button; the guest decides what to do.
     *
     * @return the command
     */
    public static QmpCommand<Void> systemPowerdown() {
        return QmpCommand.action("system_powerdown", null);
    }

    /**
     * {@code system_reset}: hard reset.
     *
     * @return the command
     */
    public static QmpCommand<Void> systemReset() {
        return QmpCommand.action("system_reset", null);
    }

    /**
     * {@code quit}: QEMU exits; the EOF that follows completes the session normally, and if it
     * comes before the reply the command still succeeds ({@link QmpCommand.Reply#OR_CLOSE}).
     *
     * @return the command
     */
    public static QmpCommand<Void> quit() {
        return QmpCommand.action("quit", null).closingConnection();
    }

    /**
     * {@code human-monitor-command}: an HMP command line.
     *
     * @param commandLine e.g. {@code info registers}
     * @return the command; its result is HMP's text output
     */
    public static QmpCommand<String> humanMonitorCommand(String commandLine) {
        return QmpCommand.of("human-monitor-command", Json.object().put("command-line", commandLine),
                JsonNode::asText);
    }

    /**
     * {@code migrate-set-capabilities}: turns one migration capability on or off, e.g.
     * {@code x-ignore-shared} (RAM in a shared backend is not copied into the stream) or {@code events}
     * ({@code MIGRATION} events on every status change).
     *
     * @param capability the capability's name
     * @param state on or off
     * @return the command
     */
    public static QmpCommand<Void> migrateSetCapability(String capability, boolean state) {
        var arguments = Json.object();
        arguments.putArray("capabilities").addObject().put("capability", capability).put("state", state);
        return QmpCommand.action("migrate-set-capabilities", arguments);
    }

    /**
     * {@code migrate}: starts sending the VM's state to {@code uri} (e.g. {@code exec:cat > FILE}); returns
     * at once, the end shows in {@link #queryMigrate()} or a {@code MIGRATION} event.
     *
     * @param uri where to, e.g. {@code exec:cat > FILE}
     * @return the command
     */
    public static QmpCommand<Void> migrate(String uri) {
        return QmpCommand.action("migrate", Json.object().put("uri", uri));
    }

    /**
     * {@code migrate-incoming}: a QEMU started with {@code -incoming defer} starts loading state.
     *
     * @param uri where from, e.g. {@code exec:cat FILE}
     * @return the command
     */
    public static QmpCommand<Void> migrateIncoming(String uri) {
        return QmpCommand.action("migrate-incoming", Json.object().put("uri", uri));
    }

    /**
     * {@code query-migrate}: the status of the last (outgoing or incoming) migration.
     *
     * @return the command
     */
    public static QmpCommand<MigrationInfo> queryMigrate() {
        return QmpCommand.of("query-migrate", null, MigrationInfo::from);
    }

    private static List<CpuInfoFast> cpus(JsonNode array) {
        List<CpuInfoFast> cpus = new ArrayList<>();
        array.forEach(cpu -> cpus.add(CpuInfoFast.from(cpu)));
        return List.copyOf(cpus);
    }
}
