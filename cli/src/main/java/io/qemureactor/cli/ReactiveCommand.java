package io.qemureactor.cli;

import reactor.core.publisher.Mono;

/**
 * A subcommand whose work is one cold {@link Mono}: {@link Main} subscribes to it once and waits for its
 * exit code in {@link CommandEdge}, the one place of the CLI that waits. A command never blocks itself.
 *
 * <p>Cancelling the Mono (Ctrl-C, SIGTERM) must stop what it started; {@link #settled()} then says when
 * that is over (every process gone, every run folder removed), so that the JVM does not exit before.
 */
interface ReactiveCommand {

    /** The command's work, run when subscribed: its exit code, or an error {@link OneLineErrors} turns into one line. */
    Mono<Integer> execute();

    /**
     * Completes once whatever a cancelled {@link #execute()} began to stop is gone (e.g. the launcher's
     * {@code settled()}); empty for commands that start no process.
     */
    default Mono<Void> settled() {
        return Mono.empty();
    }
}
