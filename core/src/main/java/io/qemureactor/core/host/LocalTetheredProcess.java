package io.qemureactor.core.host;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** A local process fed through a pipe: the kernel closes the pipe when this JVM dies, whatever kills it. */
final class LocalTetheredProcess implements TetheredProcess {

    private final Process process;
    private final OutputStream stdin;
    private final Mono<Integer> exit;

    LocalTetheredProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.exit = Mono.fromFuture(process.onExit(), true).map(Process::exitValue).cache();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public Mono<Void> send(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        return Mono.<Void>fromRunnable(() -> {
            // one writer at a time, so that two lines never interleave
            synchronized (stdin) {
                try {
                    stdin.write(bytes);
                    stdin.flush();
                } catch (IOException e) {
                    throw new HostException("cannot write to pid " + pid() + " on localhost: " + e.getMessage(), e);
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Integer> onExit() {
        return exit;
    }

    @Override
    public Mono<Void> close() {
        return Mono.<Void>fromRunnable(() -> {
            synchronized (stdin) {
                try {
                    stdin.close();
                } catch (IOException ignored) {
                    // already closed: the process has its end of input either way
                }
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public String toString() {
        return "pid " + pid() + " on localhost";
    }
}
