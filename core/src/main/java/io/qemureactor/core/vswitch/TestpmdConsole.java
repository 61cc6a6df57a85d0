package io.qemureactor.core.vswitch;

import io.qemureactor.core.host.InteractiveProcess;
import java.util.ArrayDeque;
import java.util.Deque;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * testpmd's interactive console as request and reply: its output is cut at each {@code testpmd> }
 * prompt; the text before the first prompt is its start-up, and the text between two prompts is the
 * reply to the command written in between. Commands are written one at a time, each once the previous
 * reply is in, so replies cannot be attributed to the wrong command.
 */
final class TestpmdConsole {

    static final String PROMPT = "testpmd> ";

    private final InteractiveProcess process;
    private final Object lock = new Object();
    /** Who waits for the next segment: the start-up first, then each command's reply, in order. */
    private final Deque<Sinks.One<String>> waiting = new ArrayDeque<>();
    private final StringBuilder buffer = new StringBuilder();
    /** The end of the previous command: the next one is written after it. */
    private Mono<?> previous = Mono.empty();
    private Throwable ended;
    private final Mono<String> startup;

    TestpmdConsole(InteractiveProcess process) {
        this.process = process;
        Sinks.One<String> startup = Sinks.one();
        waiting.add(startup);
        this.startup = startup.asMono();
        process.output().subscribe(this::append, this::end, () -> end(null));
    }

    /** The output up to the first prompt: the switch is configured and listens. */
    Mono<String> ready() {
        return startup;
    }

    /**
     * Writes {@code command} once every earlier command has its reply, and completes with this one's reply
     * (the text up to the next prompt). Fails with a {@link SwitchException} if testpmd ends first.
     */
    Mono<String> command(String command) {
        return Mono.defer(() -> {
            Sinks.One<String> reply = Sinks.one();
            Mono<String> mine;
            synchronized (lock) {
                Mono<?> before = previous;
                mine = before.onErrorResume(e -> Mono.empty())
                        .then(Mono.defer(() -> enqueueAndWrite(reply, command)))
                        .cache();
                previous = mine;
            }
            return mine;
        });
    }

    private Mono<String> enqueueAndWrite(Sinks.One<String> reply, String command) {
        synchronized (lock) {
            if (ended != null) {
                return Mono.error(ended);
            }
            waiting.add(reply);
        }
        // a write that fails means testpmd is gone (its stdin closed): say that, as the reader will
        return process.write(command + "\n")
                .onErrorMap(e -> !(e instanceof SwitchException), e -> new SwitchException("testpmd (" + process
                        + ") exited: cannot send it '" + command + "' (" + e.getMessage() + ")", e))
                .then(reply.asMono());
    }

    private void append(String chunk) {
        // replies are handed out after the lock is released: their subscribers may send the next command
        java.util.List<Runnable> replies = new java.util.ArrayList<>();
        synchronized (lock) {
            buffer.append(chunk);
            int at;
            while ((at = buffer.indexOf(PROMPT)) >= 0) {
                String segment = buffer.substring(0, at);
                buffer.delete(0, at + PROMPT.length());
                Sinks.One<String> next = waiting.poll();
                if (next != null) {
                    replies.add(() -> next.tryEmitValue(segment));
                }
            }
        }
        replies.forEach(Runnable::run);
    }

    /** testpmd closed its output: it exited. Everyone still waiting learns it, with its last words. */
    private void end(Throwable error) {
        String tail;
        synchronized (lock) {
            tail = buffer.toString().strip();
        }
        SwitchException gone = new SwitchException("testpmd (" + process + ") exited"
                + (error == null ? "" : " (" + error + ")") + (tail.isEmpty() ? "" : ": " + lastLines(tail)));
        java.util.List<Sinks.One<String>> left;
        synchronized (lock) {
            ended = gone;
            left = new java.util.ArrayList<>(waiting);
            waiting.clear();
        }
        left.forEach(w -> w.tryEmitError(gone));
    }

    private static String lastLines(String text) {
        return io.qemureactor.core.host.OutputTail.lastLines(text, 8).replace('\n', '|');
    }
}
