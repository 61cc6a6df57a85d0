package io.qemureactor.core.vswitch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.host.Host;
import io.qemureactor.core.host.InteractiveProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The console's framing and ordering against a scripted stand-in for testpmd (fault injection only). */
class TestpmdConsoleTest {

    private static final Duration T = Duration.ofSeconds(5);

    /** Records what is written; the test plays testpmd's output, in chunks cut anywhere. */
    static final class Scripted implements InteractiveProcess {
        final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
        final List<String> written = new CopyOnWriteArrayList<>();

        @Override public Flux<String> output() { return out.asFlux(); }
        @Override public Mono<Void> write(String text) { return Mono.fromRunnable(() -> written.add(text)); }
        @Override public Mono<Void> closeInput() { return Mono.empty(); }
        @Override public Host host() { return null; }
        @Override public long pid() { return 42; }
        @Override public Mono<Integer> onExit() { return Mono.never(); }
        @Override public boolean isAlive() { return true; }
        @Override public Mono<Void> terminate() { return Mono.empty(); }
        @Override public Mono<Void> kill() { return Mono.empty(); }
        @Override public Mono<String> outputTail() { return Mono.just(""); }
        @Override public String toString() { return "pid 42"; }
    }

    @Test
    void startupEndsAtTheFirstPromptAndRepliesGoToTheirCommandsInOrder() {
        Scripted p = new Scripted();
        TestpmdConsole console = new TestpmdConsole(p);
        p.out.tryEmitNext("Configuring Port 0\nChecking link statuses...\nDone\ntestp");
        p.out.tryEmitNext("md> ");
        StepVerifier.create(console.ready()).assertNext(s -> assertThat(s).endsWith("Done\n")).verifyComplete();

        Mono<String> first = console.command("show port stats all").cache();
        Mono<String> second = console.command("stop").cache();
        first.subscribe();
        second.subscribe();
        // the second command is not written before the first one's reply is in
        assertThat(p.written).containsExactly("show port stats all\n");
        p.out.tryEmitNext("show port stats all\r\n  RX-packets: 1\ntestpmd> Telling cores");
        StepVerifier.create(first).assertNext(r -> assertThat(r).contains("RX-packets: 1")).verifyComplete();
        assertThat(p.written).containsExactly("show port stats all\n", "stop\n");
        p.out.tryEmitNext(" to stop...\nDone.\ntestpmd> ");
        StepVerifier.create(second).assertNext(r -> assertThat(r).isEqualTo("Telling cores to stop...\nDone.\n"))
                .verifyComplete();
    }

    @Test
    void whenTestpmdEndsEveryWaiterLearnsItWithItsLastWords() {
        Scripted p = new Scripted();
        TestpmdConsole console = new TestpmdConsole(p);
        p.out.tryEmitNext("EAL: Error - exiting with code: 1\n");
        p.out.tryEmitComplete();
        StepVerifier.create(console.ready()).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(SwitchException.class).hasMessageContaining("exited")
                .hasMessageContaining("EAL: Error - exiting with code: 1")).verify(T);
        StepVerifier.create(console.command("show port stats all")).expectError(SwitchException.class).verify(T);
    }
}
