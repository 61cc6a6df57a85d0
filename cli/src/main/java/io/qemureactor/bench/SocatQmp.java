package io.qemureactor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * The seed's method, standing for "QMP as the seed did it": one {@code socat} process per command, fed the
 * capabilities negotiation and the command on stdin (CSIT's {@code _qemu_qmp_exec}, without the ssh and sudo
 * around it, which would only make it slower). Its pipes are read as the seed read them, blocking, on a
 * bounded-elastic worker; the exit is awaited through {@link Process#onExit()}.
 */
final class SocatQmp {

    private SocatQmp() {
    }

    static Mono<String> execute(Path socket, String commandJson) {
        return execute(argv(socket), commandJson);
    }

    /**
     * The socat command for {@code socket}, as argv (the seed ran it through {@code ssh}, quoted for
     * the remote shell). {@code -t 5}: after stdin's EOF socat waits this long for the reply (default
     * 0.5 s). QEMU answers and closes well before on an idle machine, so the time per command is the
     * same; on a loaded one the default gave up before QEMU's reply and the run failed.
     */
    static List<String> argv(Path socket) {
        return List.of("socat", "-t", "5", "-", "UNIX-CONNECT:" + socket);
    }

    /** One command through {@code argv}: socat itself, or {@code ssh … socat …} as the seed did on a remote node. */
    static Mono<String> execute(List<String> argv, String commandJson) {
        return BlockingIo.call(() -> {
            Process p = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .start();
            try {
                p.getOutputStream().write(("{\"execute\":\"qmp_capabilities\"}\n" + commandJson + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                return new Output(p, out);
            } catch (IOException e) {
                p.destroyForcibly();
                throw e;
            }
        }).flatMap(o -> Mono.fromFuture(o.process().onExit()).doOnCancel(o.process()::destroyForcibly).flatMap(exited -> reply(exited.exitValue(), o.text())));
    }

    private record Output(Process process, String text) {
    }

    private static Mono<String> reply(int exitCode, String out) {
        if (exitCode != 0) {
            return Mono.error(new IOException("socat exited with " + exitCode + ": " + out.strip()));
        }
        // greeting, the capabilities reply, then ours (the seed took "the 3rd line"; we look for it)
        List<String> lines = out.lines().filter(l -> l.contains("\"return\"")).toList();
        if (lines.size() < 2) {
            return Mono.error(new IOException("no reply from QMP through socat: " + out.strip()));
        }
        return Mono.just(lines.get(1));
    }
}
