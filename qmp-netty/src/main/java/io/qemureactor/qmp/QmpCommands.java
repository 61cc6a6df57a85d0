package io.qemureactor.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.transport.Json;
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

    private static List<CpuInfoFast> cpus(JsonNode array) {
        List<CpuInfoFast> cpus = new ArrayList<>();
        array.forEach(cpu -> cpus.add(CpuInfoFast.from(cpu)));
        return List.copyOf(cpus);
    }
}
