package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** How a channel's end is seen: the real channels are SshHostIT's and ReaperIT's; here, what they cannot show. */
class ChannelEndTest {

    @Test
    void nothingAsksWhetherTheChannelClosedUntilItsOutputHasEnded() throws Exception {
        Sinks.Empty<Void> outputEnded = Sinks.empty();
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();

        StepVerifier.create(ChannelEnd.closed(outputEnded.asMono(), () -> {
                    asked.incrementAndGet();
                    return closed.get();
                }, () -> 7))
                .expectSubscription()
                .then(() -> sleep(100))
                // the old way polled every 5 ms from the start: some twenty looks by now
                .then(() -> assertThat(asked).hasValue(0))
                .then(() -> outputEnded.tryEmitEmpty())
                .then(() -> closed.set(true))
                .expectNext(7)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(asked.get()).isPositive();
    }

    @Test
    void aChannelAlreadyClosedAtTheEndOfItsOutputIsSeenAtOnce() {
        StepVerifier.create(ChannelEnd.closed(Mono.empty(), () -> true, () -> 0))
                .expectNext(0)
                .verifyComplete();
    }

    @Test
    void theStreamPassesTheOutputOnAndItsCloseEndsIt() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        AtomicBoolean outputClosed = new AtomicBoolean();
        ChannelEnd end = new ChannelEnd(new FilterOutputStream(output) {
            @Override
            public void close() {
                outputClosed.set(true);
            }
        });
        end.write("pid 42\n".getBytes(StandardCharsets.UTF_8), 0, 7);
        end.write('x');
        AtomicBoolean channelClosed = new AtomicBoolean(true);
        var status = ChannelEnd.closed(end.ended(), channelClosed::get, () -> 3).toFuture();
        assertThat(status).isNotDone();

        end.close();
        end.close(); // JSch closes it at the end of output and again at disconnect

        assertThat(output.toString(StandardCharsets.UTF_8)).isEqualTo("pid 42\nx");
        assertThat(outputClosed).isTrue();
        assertThat(status.get()).isEqualTo(3);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
