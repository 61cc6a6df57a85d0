package io.qemureactor.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * The CLI's one blocking edge: the main thread waits here, and only here, for a {@link ReactiveCommand}'s exit
 * code. A process has to wait for its work somewhere; everything below this class is non-blocking.
 *
 * <p>While a command runs, one JVM shutdown hook (the JVM's API for Ctrl-C and SIGTERM takes a {@link Thread}:
 * one per command run, never one per VM) cancels the command's subscription and waits, bounded by
 * {@link #TEARDOWN_WAIT}, for its {@link ReactiveCommand#settled()}: the VMs and switches the command started
 * are gone before the JVM exits. Past the bound, each host's reaper finishes the job.
 */
final class CommandEdge {

    private static final Logger log = LoggerFactory.getLogger(CommandEdge.class);
    /** How long Ctrl-C waits for the teardown: every VM killed and reaped, every run folder removed. */
    static final Duration TEARDOWN_WAIT = Duration.ofSeconds(60);

    private CommandEdge() {
    }

    /** Runs the command to its exit code; its error is rethrown as is (unchecked) for {@link OneLineErrors}. */
    static int run(ReactiveCommand command) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Disposable subscription = command.execute()
                .subscribe(exit::complete, exit::completeExceptionally, () -> exit.complete(0));
        Thread hook = new Thread(() -> cancelAndSettle(subscription, command), "qemu-reactor-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.dispose();
            throw CliFailure.usage("interrupted");
        } catch (ExecutionException e) {
            throw Exceptions.propagate(e.getCause());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is stopping: the hook runs (and tears down) anyway
            }
        }
    }

    private static void cancelAndSettle(Disposable subscription, ReactiveCommand command) {
        subscription.dispose();
        try {
            command.settled().toFuture().get(TEARDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("what this command started was not gone within {} s; the hosts' reapers stop it",
                    TEARDOWN_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.debug("teardown: {}", e.getCause().toString());
        }
    }
}
