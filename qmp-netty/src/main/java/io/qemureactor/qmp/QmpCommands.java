package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.transport.internal.Json;
import java.util.ArrayList;
import java.util.List;

/** The typed catalogue of the QMP commands the engine uses. */
public final class QmpCommands {

    private QmpCommands() {
    }

    /** {@code query-status}: run state. */
    public static QmpCommand<StatusInfo> queryStatus() {
        return QmpCommand.of("query-status", null, StatusInfo::from);
    }

    /** {@code query-version}: the QEMU version. */
    public static QmpCommand<QmpVersion> queryVersion() {
        return QmpCommand.of("query-version", null, QmpVersion::from);
    }

    /** {@code query-kvm}: is KVM present and in use. */
    public static QmpCommand<KvmInfo> queryKvm() {
        return QmpCommand.of("query-kvm", null, KvmInfo::from);
    }

    /** {@code query-cpus-fast}: the vCPUs with their host thread ids. */
    public static QmpCommand<List<CpuInfoFast>> queryCpusFast() {
        return QmpCommand.of("query-cpus-fast", null, QmpCommands::cpus);
    }

    /** {@code stop}: pause the vCPUs (QEMU emits {@code STOP}). */
    public static QmpCommand<Void> stop() {
        return QmpCommand.action("stop", null);
    }

    /** {@code cont}: resume the vCPUs (QEMU emits {@code RESUME}). */
    public static QmpCommand<Void> cont() {
        return QmpCommand.action("cont", null);
    }

    /** {@code system_powerdown}: ACPI power button; the guest decides what to do. */
    public static QmpCommand<Void> systemPowerdown() {
        return QmpCommand.action("system_powerdown", null);
    }

    /** {@code system_reset}: hard reset. */
    public static QmpCommand<Void> systemReset() {
        return QmpCommand.action("system_reset", null);
    }

    /** {@code quit}: QEMU exits; the EOF that follows completes the session normally. */
    public static QmpCommand<Void> quit() {
        return QmpCommand.action("quit", null).closingConnection();
    }

    /** {@code human-monitor-command}: an HMP command line; returns its text output. */
    public static QmpCommand<String> humanMonitorCommand(String commandLine) {
        return QmpCommand.of("human-monitor-command", Json.object().put("command-line", commandLine),
                JsonNode::asText);
    }

    /**
     * {@code migrate-set-capabilities}: turns one migration capability on or off, e.g.
     * {@code x-ignore-shared} (RAM in a shared backend is not copied into the stream) or {@code events}
     * ({@code MIGRATION} events on every status change).
     */
    public static QmpCommand<Void> migrateSetCapability(String capability, boolean state) {
        var arguments = Json.object();
        arguments.putArray("capabilities").addObject().put("capability", capability).put("state", state);
        return QmpCommand.action("migrate-set-capabilities", arguments);
    }

    /**
     * {@code migrate}: starts sending the VM's state to {@code uri} (e.g. {@code exec:cat > FILE}); returns
     * at once, the end shows in {@link #queryMigrate()} or a {@code MIGRATION} event.
     */
    public static QmpCommand<Void> migrate(String uri) {
        return QmpCommand.action("migrate", Json.object().put("uri", uri));
    }

    /** {@code migrate-incoming}: a QEMU started with {@code -incoming defer} starts loading state from {@code uri}. */
    public static QmpCommand<Void> migrateIncoming(String uri) {
        return QmpCommand.action("migrate-incoming", Json.object().put("uri", uri));
    }

    /** {@code query-migrate}: the status of the last (outgoing or incoming) migration. */
    public static QmpCommand<MigrationInfo> queryMigrate() {
        return QmpCommand.of("query-migrate", null, MigrationInfo::from);
    }

    private static List<CpuInfoFast> cpus(JsonNode array) {
        List<CpuInfoFast> cpus = new ArrayList<>();
        array.forEach(cpu -> cpus.add(CpuInfoFast.from(cpu)));
        return List.copyOf(cpus);
    }
}
