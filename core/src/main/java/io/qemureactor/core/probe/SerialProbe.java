package io.qemureactor.core.probe;

import io.qemureactor.core.function.ReadinessRule;
import java.time.Duration;
import reactor.core.publisher.Mono;

/** Ready when a console line passes the rule; failed at the first failure line or when the console closes. */
final class SerialProbe implements BootProbe {

    private final ReadinessRule rule;
    private final Duration timeout;

    SerialProbe(ReadinessRule rule, Duration timeout) {
        this.rule = rule;
        this.timeout = timeout;
    }

    @Override
    public Mono<Void> await(BootContext context) {
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

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String describe() {
        return "serial /" + rule.success().pattern() + "/";
    }
}
