package io.qemureactor.core.host;

import java.util.List;
import java.util.function.Function;
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
    private final Function<String, Mono<Void>> removeOnExit;
    private volatile boolean exited;
    private volatile boolean removedFolder;

    /** A process of the host's command shell, which can remove a folder with its exit. */
    SshProcess(SshHost host, RemoteShell.Started started, Function<String, Mono<Void>> removeOnExit, String log,
            List<String> argv) {
        this(host, started.pid(), started.exit(), removeOnExit, log, argv);
    }

    /** A process on an exec channel of its own, whose exit is the channel's close. */
    SshProcess(SshHost host, long pid, Mono<Integer> exit, String log, List<String> argv) {
        this(host, pid, exit.map(code -> new RemoteShell.Ended(code, false)), null, log, argv);
    }

    /** @param removeOnExit asks the host's command shell to remove a folder with this process's exit (null: cannot) */
    private SshProcess(SshHost host, long pid, Mono<RemoteShell.Ended> exit, Function<String, Mono<Void>> removeOnExit,
            String log, List<String> argv) {
        this.host = host;
        this.pid = pid;
        this.log = log;
        this.argv = argv;
        this.removeOnExit = removeOnExit;
        // marked before the status reaches anyone, so that whoever sees it also sees isAlive() false
        this.exit = exit.doOnNext(ended -> {
                    removedFolder = ended.removedFolder();
                    exited = true;
                })
                .map(RemoteShell.Ended::status)
                .doOnError(e -> exited = true).cache();
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

    /** The host's command shell removes the folder in the job that reports the exit: no second round trip for it. */
    @Override
    public Mono<Boolean> removeOnExit(String folder) {
        return Mono.defer(() -> removeOnExit != null && isAlive() ? removeOnExit.apply(folder).thenReturn(true) : Mono.just(false));
    }

    @Override
    public boolean removedOnExit() {
        return removedFolder;
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
