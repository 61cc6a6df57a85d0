package io.qemureactor.core.function;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the local {@code /bin/sh} on a snippet: local and instant, to check what a shell makes of our quoting. */
final class Sh {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private Sh() {
    }

    /** {@code sh -n}: parses without running anything. */
    static Result syntaxCheck(String script) {
        return run(List.of("/bin/sh", "-n"), script);
    }

    /** {@code sh -c snippet}, nothing on stdin. */
    static Result exec(String snippet) {
        return run(List.of("/bin/sh", "-c", snippet), "");
    }

    private static Result run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).start();
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("sh did not finish in 10 s: " + command);
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                    new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run /bin/sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
