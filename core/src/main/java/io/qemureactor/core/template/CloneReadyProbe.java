package io.qemureactor.core.template;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.qemureactor.core.probe.BootContext;
import io.qemureactor.core.probe.BootFailedException;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.qga.QgaClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import reactor.core.publisher.Mono;

/**
 * A clone is ready when its agent answers and its per-clone fix-ups are done: the guest clock, which
 * resumes at the instant the template was saved, is set to now ({@code guest-set-time}); the hostname
 * when the options give one. Run as the launch's probe, so a fix-up that fails is a failed launch
 * (QEMU killed, run folder removed), like a boot that never came up.
 */
final class CloneReadyProbe implements BootProbe {

    private final CloneOptions options;

    CloneReadyProbe(CloneOptions options) {
        this.options = options;
    }

    @Override
    public Mono<Void> await(BootContext context) {
        if (context.agent().isEmpty()) {
            return Mono.error(new BootFailedException(context.vmName()
                    + " has no guest agent channel: a clone needs one (its clock is set through the agent)"));
        }
        return context.agent().get().flatMap(agent -> agent.awaitReady(options.readyTimeout())
                .then(setClock(agent))
                .then(options.hostname().map(h -> setHostname(agent, h, context.vmName())).orElse(Mono.empty())));
    }

    /** The time is read when the command is sent, not when the Mono was made. */
    private static Mono<Void> setClock(QgaClient agent) {
        return Mono.defer(() -> {
            Instant now = Instant.now();
            long nanos = ChronoUnit.NANOS.between(Instant.EPOCH, now);
            return agent.execute("guest-set-time", JsonNodeFactory.instance.objectNode().put("time", nanos));
        }).then();
    }

    private static Mono<Void> setHostname(QgaClient agent, String hostname, String vm) {
        return agent.exec("/bin/hostname", hostname).flatMap(r -> r.exitCode() == 0 ? Mono.<Void>empty()
                : Mono.error(new BootFailedException(vm + ": setting the hostname to " + hostname + " failed (exit "
                        + r.exitCode() + ")")));
    }

    @Override
    public Duration timeout() {
        return options.readyTimeout();
    }

    @Override
    public String describe() {
        return "qga guest-ping + guest-set-time" + options.hostname().map(h -> " + hostname " + h).orElse("");
    }
}
