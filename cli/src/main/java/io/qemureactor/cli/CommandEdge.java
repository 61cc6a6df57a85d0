package io.qemureactor.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * The CLI's one blocking edge: the main thread waits here, and only here, for a {@link ReactiveCommand}'s exit
 * code. A process has to wait for its work somewhere; everything below this class is non-blocking.
 *
 * <p>While a command runs, Ctrl-C, SIGTERM and SIGHUP reach a {@link SignalTrap} instead of stopping the JVM: the
 * trap cancels the command's subscription, and this edge keeps waiting, bounded by {@link #TEARDOWN_WAIT}, for the
 * command's {@link ReactiveCommand#settled()}: the VMs and switches the command started are gone before the
 * process exits with {@code 128 + signal}. Past the bound, each host's reaper finishes the job. No thread is
 * started for it (a shutdown hook would need one).
 */
final class CommandEdge {

    private static final Logger log = LoggerFactory.getLogger(CommandEdge.class);
    /** How long Ctrl-C waits for the teardown: every VM killed and reaped, every run folder removed. */
    static final Duration TEARDOWN_WAIT = Duration.ofSeconds(60);

    private CommandEdge() {
    }

    /**
     * Runs the command to its exit code; its error is rethrown as is (unchecked) for {@link OneLineErrors}. A signal
     * (Ctrl-C, SIGTERM, SIGHUP) while it runs cancels it; the exit code is then {@code 128 + signal} (130, 143,
     * 129), returned once its {@link ReactiveCommand#settled()} has completed, or {@link #TEARDOWN_WAIT} has
     * passed (the hosts' reapers finish the job). A second signal returns at once.
     */
    static int run(ReactiveCommand command) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Disposable subscription = command.execute()
                .subscribe(exit::complete, exit::completeExceptionally, () -> exit.complete(0));
        AtomicBoolean signalled = new AtomicBoolean();
        try (SignalTrap trap = SignalTrap.on(signal -> {
            if (!signalled.compareAndSet(false, true)) {
                exit.complete(128 + signal);
                return;
            }
            subscription.dispose();
            command.settled()
                    .timeout(TEARDOWN_WAIT, Mono.fromRunnable(() -> log.warn(
                            "what this command started was not gone within {} s; the hosts' reapers stop it",
                            TEARDOWN_WAIT.toSeconds())))
                    .subscribe(v -> { }, e -> exit.complete(128 + signal), () -> exit.complete(128 + signal));
        })) {
            return exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.dispose();
            throw CliFailure.usage("interrupted");
        } catch (ExecutionException e) {
            throw Exceptions.propagate(e.getCause());
        }
    }
}
