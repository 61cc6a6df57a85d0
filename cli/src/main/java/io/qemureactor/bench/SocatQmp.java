package io.qemureactor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The seed's method: one {@code socat} process per command, fed the capabilities negotiation
 * and the command on stdin (CSIT's {@code _qemu_qmp_exec}, without the ssh and sudo around it,
 * which would only make it slower).
 */
final class SocatQmp {

    private SocatQmp() {
    }

    static String execute(Path socket, String commandJson) throws IOException, InterruptedException {
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
    static String execute(List<String> argv, String commandJson) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write(("{\"execute\":\"qmp_capabilities\"}\n" + commandJson + "\n")
                .getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("socat exited with " + p.exitValue() + ": " + out.strip());
        }
        // greeting, the capabilities reply, then ours (the seed took "the 3rd line"; we look for it)
        List<String> lines = out.lines().filter(l -> l.contains("\"return\"")).toList();
        if (lines.size() < 2) {
            throw new IOException("no reply from QMP through socat: " + out.strip());
        }
        return lines.get(1);
    }
}
