package io.qemureactor.core.host;

import com.jcraft.jsch.ChannelExec;
import java.util.List;
import reactor.core.publisher.Mono;

/** A process started on an SSH host; signals are sent by pid with {@code kill}, never by name. */
final class SshProcess implements HostProcess {

    private final SshHost host;
    private final long pid;
    private final ChannelExec channel;
    private final String log;
    private final Mono<Integer> exit;

    SshProcess(SshHost host, long pid, ChannelExec channel, String log) {
        this.host = host;
        this.pid = pid;
        this.channel = channel;
        this.log = log;
        this.exit = host.awaitClose(channel).doFinally(s -> channel.disconnect()).cache();
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
        return !channel.isClosed();
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
        if (!isAlive()) {
            return Mono.empty();
        }
        // a process that exited meanwhile makes kill fail: that is the outcome we wanted
        return host.exec(List.of("kill", signal, Long.toString(pid))).then();
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
