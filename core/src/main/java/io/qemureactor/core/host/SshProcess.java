package io.qemureactor.core.host;

import java.util.List;
import reactor.core.publisher.Mono;

/**
 * A process started on an SSH host by the host's command shell, which reports its exit; signals
 * are sent by pid with {@code kill}, never by name.
 */
final class SshProcess implements HostProcess {

    private final SshHost host;
    private final long pid;
    private final String log;
    private final List<String> argv;
    private final Mono<Integer> exit;
    private volatile boolean exited;

    SshProcess(SshHost host, long pid, Mono<Integer> exit, String log, List<String> argv) {
        this.host = host;
        this.pid = pid;
        this.log = log;
        this.argv = argv;
        // marked before the status reaches anyone, so that whoever sees it also sees isAlive() false
        this.exit = exit.doOnNext(code -> exited = true).doOnError(e -> exited = true).cache();
        // observe the exit from the start, so that a process that dies is noticed even if nobody asks yet
        this.exit.subscribe(code -> { }, error -> { });
    }

    @Override
    public Host host() {
        return host;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public Mono<Integer> onExit() {
        return exit;
    }

    @Override
    public boolean isAlive() {
        return !exited;
    }

    /** True if one of its arguments mentions {@code path} (QEMU's {@code -chardev socket,path=…}). */
    boolean names(String path) {
        return argv.stream().anyMatch(arg -> arg.contains(path));
    }

    @Override
    public Mono<Void> terminate() {
        return signal("-TERM");
    }

    @Override
    public Mono<Void> kill() {
        return signal("-KILL");
    }

    private Mono<Void> signal(String signal) {
        return Mono.defer(() -> {
            if (!isAlive()) {
                return Mono.empty();
            }
            // a process that exited meanwhile makes kill fail: that is the outcome we wanted
            return host.exec(List.of("kill", signal, Long.toString(pid))).then();
        });
    }

    @Override
    public Mono<String> outputTail() {
        return host.exec(List.of("tail", "-c", "16384", log)).map(r -> OutputTail.lastLines(r.stdout()));
    }

    @Override
    public String toString() {
        return "pid " + pid + " on " + host.name();
    }
}
