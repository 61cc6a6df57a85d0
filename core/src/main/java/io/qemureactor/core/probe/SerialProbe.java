package io.qemureactor.core.probe;

import java.time.Duration;
import reactor.core.publisher.Mono;

/** Ready when a console line passes the rule; failed at the first failure line or when the console closes. */
final class SerialProbe extends AbstractBootProbe {

    private final ReadinessRule rule;

    SerialProbe(ReadinessRule rule, Duration timeout) {
        super("serial /" + rule.success().pattern() + "/", timeout);
        this.rule = rule;
    }

    @Override
    protected Mono<Void> await(BootContext context, Duration timeout) {
        if (context.console().isEmpty()) {
            return Mono.error(new BootFailedException(context.vmName()
                    + " has no socket serial console: the serial probe needs ConsoleSpec.unixSocket()"));
        }
        return context.console().get().lines()
                .filter(line -> rule.test(line) != ReadinessRule.Verdict.UNDECIDED)
                .next()
                .switchIfEmpty(Mono.error(() -> new BootFailedException(
                        "the serial console closed before a line matched /" + rule.success().pattern() + "/")))
                .flatMap(line -> rule.test(line) == ReadinessRule.Verdict.READY
                        ? Mono.<Void>empty()
                        : Mono.error(new BootFailedException("the console said '" + line.strip() + "'")));
    }
}
