package io.qemureactor.core.probe;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Ready when the guest agent answers: connect to the agent's socket, then resync and
 * {@code guest-ping} with retry-with-backoff ({@code QgaClient.awaitReady}), bounded by the
 * timeout. The seed flushed with 0xFF and took the agent's parse error as a sign of boot, then
 * pinged every 5 s, 12 times; a resync is the agent really answering.
 */
final class QgaProbe extends AbstractBootProbe {

    QgaProbe(Duration timeout) {
        super("qga guest-ping", timeout);
    }

    /** The agent's own wait is bounded by the probe's timeout too, not only the launch's. */
    @Override
    protected Mono<Void> await(BootContext context, Duration timeout) {
        if (context.agent().isEmpty()) {
            return Mono.error(new BootFailedException(context.vmName()
                    + " has no guest agent channel: the qga probe needs qgaIsaSerial or qgaVirtioSerial"));
        }
        return context.agent().get().flatMap(agent -> agent.awaitReady(timeout));
    }
}
