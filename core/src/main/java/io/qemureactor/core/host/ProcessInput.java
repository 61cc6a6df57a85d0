package io.qemureactor.core.host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A process's stdin as this JVM holds it (a pipe locally, an exec channel's stream over SSH): writes
 * and the close run on {@code boundedElastic}, since both may block, one at a time so that two writes
 * never interleave.
 */
final class ProcessInput {

    private final OutputStream stdin;
    private final String owner;

    /** @param owner what the process is, for error messages ({@code pid 42 on localhost}) */
    ProcessInput(OutputStream stdin, String owner) {
        this.stdin = stdin;
        this.owner = owner;
    }

    Mono<Void> write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Mono.<Void>fromRunnable(() -> {
            synchronized (stdin) {
                try {
                    stdin.write(bytes);
                    stdin.flush();
                } catch (IOException e) {
                    throw new HostException("cannot write to " + owner + ": " + e.getMessage(), e);
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** Idempotent: a stream closed already (the process is gone) means the process has its end of input. */
    Mono<Void> close() {
        return Mono.<Void>fromRunnable(() -> {
            synchronized (stdin) {
                try {
                    stdin.close();
                } catch (IOException ignored) {
                    // see above
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
