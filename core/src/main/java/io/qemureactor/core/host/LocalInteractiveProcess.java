package io.qemureactor.core.host;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * An interactive process on this machine. Java gives a child's stdout only as a blocking stream, so one
 * bounded-elastic worker reads it for the life of the process (one per interactive process, such as a
 * host vSwitch, never one per VM); everything else is the {@link LocalProcess} it wraps.
 */
final class LocalInteractiveProcess extends AbstractInteractiveProcess {

    private final Process child;
    private final Sinks.Many<String> output = Sinks.many().unicast().onBackpressureBuffer();
    private final TailBuffer tail = new TailBuffer(16 * 1024);

    LocalInteractiveProcess(LocalHost host, Process child) {
        // no log file: outputTail() below reads the tail kept here
        this(new LocalProcess(host, child, null), child);
    }

    private LocalInteractiveProcess(LocalProcess process, Process child) {
        super(process, new ProcessInput(child.getOutputStream(), process.toString()));
        this.child = child;
        Schedulers.boundedElastic().schedule(this::pump);
    }

    /** Reads stdout until EOF (the process exited), keeping a tail for error messages. */
    private void pump() {
        char[] buffer = new char[8192];
        try (Reader in = new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                String chunk = new String(buffer, 0, n);
                tail.write(chunk.getBytes(StandardCharsets.UTF_8));
                output.tryEmitNext(chunk); // one producer (this loop): only a cancelled reader can refuse
            }
        } catch (IOException e) {
            // the stream closes under us when the process is killed: that is its end of output
        }
        output.tryEmitComplete();
    }

    @Override
    public Flux<String> output() {
        return output.asFlux();
    }

    @Override
    public Mono<String> outputTail() {
        return Mono.fromSupplier(() -> OutputTail.lastLines(tail.toString()));
    }

}
