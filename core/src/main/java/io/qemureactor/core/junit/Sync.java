package io.qemureactor.core.junit;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/** The one place the extension waits for a Mono. */
final class Sync {

    private Sync() {
    }

    /**
     * The value of {@code mono} (null when empty), waiting at most {@code timeout}; on a timeout
     * or an interrupt the subscription is cancelled. Errors are rethrown as they are.
     */
    static <T> T await(Mono<T> mono, Duration timeout) throws TimeoutException {
        CompletableFuture<T> future = mono.toFuture();
        try {
            // JUnit's callbacks are synchronous: this is the edge where the extension must wait
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the VMs");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
