package io.qemureactor.core.vm;

import io.qemureactor.console.SerialConsole;
import io.qemureactor.core.cmdline.QemuCommandLine;
import io.qemureactor.core.host.HostProcess;
import io.qemureactor.core.host.Reaper;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpClient;
import java.time.Duration;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What the launch pipeline hands over to a {@link RunningVm}: the QEMU process, its sessions and
 * its run folder. Everything here is owned by the VM from then on and released by its shutdown.
 *
 * @param commandLine the rendered command line (spec, accelerator, socket paths)
 * @param process     the QEMU process
 * @param runFolder   the VM's private folder on its host
 * @param qmp         the negotiated QMP session
 * @param console     the serial console, when it is a socket
 * @param agent       the guest agent connection, made once on first use; empty without an agent channel
 * @param bootTime    from launch to ready
 * @param reaped      the process's and run folder's entry in the host's {@link Reaper}, forgotten once both are gone
 */
public record VmParts(QemuCommandLine commandLine, HostProcess process, String runFolder, QmpClient qmp,
                      Optional<SerialConsole> console, Optional<Mono<QgaClient>> agent, Duration bootTime,
                      Optional<Reaper.Entry> reaped) {

    /**
     * Parts of a VM no reaper knows about.
     *
     * @param commandLine the rendered command line (spec, accelerator, socket paths)
     * @param process the QEMU process
     * @param runFolder the VM's private folder on its host
     * @param qmp the negotiated QMP session
     * @param console the serial console, when it is a socket
     * @param agent the guest agent connection, made once on first use; empty without an agent channel
     * @param bootTime from launch to ready
     */
    public VmParts(QemuCommandLine commandLine, HostProcess process, String runFolder, QmpClient qmp,
                   Optional<SerialConsole> console, Optional<Mono<QgaClient>> agent, Duration bootTime) {
        this(commandLine, process, runFolder, qmp, console, agent, bootTime, Optional.empty());
    }
}
