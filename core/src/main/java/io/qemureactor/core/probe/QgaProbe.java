package io.qemureactor.core.probe;

import java.time.Duration;
import java.util.Objects;
import reactor.core.publisher.Mono;

/**
 * Ready when the guest agent answers: connect to the agent's socket, then resync and
 * {@code guest-ping} with retry-with-backoff ({@code QgaClient.awaitReady}), bounded by the
 * timeout. The seed flushed with 0xFF and took the agent's parse error as a sign of boot, then
 * pinged every 5 s, 12 times; a resync is the agent really answering.
 */
final class QgaProbe implements BootProbe {

    private final Duration timeout;

    QgaProbe(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> await(BootContext context) {
        if (context.agent().isEmpty()) {
            return Mono.error(new BootFailedException(context.vmName()
                    + " has no guest agent channel: the qga probe needs qgaIsaSerial or qgaVirtioSerial"));
        }
        return context.agent().get().flatMap(agent -> agent.awaitReady(timeout));
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    /** A new probe: the agent's own wait is bounded by the timeout too, not only the launch's. */
    @Override
    public BootProbe withTimeout(Duration timeout) {
        return new QgaProbe(Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public String describe() {
        return "qga guest-ping";
    }
}
