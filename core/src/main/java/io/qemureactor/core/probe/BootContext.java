package io.qemureactor.core.probe;

import io.qemureactor.console.SerialConsole;
import io.qemureactor.qga.QgaClient;
import io.qemureactor.qmp.QmpClient;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * What a {@link BootProbe} may look at while a VM boots: its QMP session, its guest agent, its
 * serial console. Built by the launch pipeline.
 *
 * @param vmName  the VM's name, for messages
 * @param qmp     the VM's QMP session (negotiated)
 * @param agent   connects to the guest agent's socket (without waiting for the agent to answer);
 *                empty when the VM has no agent channel
 * @param console the serial console, when the VM's console is a socket
 */
public record BootContext(String vmName, QmpClient qmp, Optional<Mono<QgaClient>> agent,
                          Optional<SerialConsole> console) {
}
