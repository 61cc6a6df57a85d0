package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetBootException;
import io.qemureactor.core.fleet.MemberFailure;
import io.qemureactor.core.launch.VmLaunchException;
import io.qemureactor.core.spec.InvalidVmSpecException;
import java.util.List;
import java.util.Optional;
import reactor.core.Exceptions;

/**
 * The one place that puts a failure into the CLI's words: one line, the wrappers taken off, the VM and
 * host said once, a network function's exit line from the console added. Every command's error line and
 * every progress line's failure go through here, so they read the same.
 */
final class FailureText {

    private FailureText() {
    }

    /** Removes the wrappers Reactor and the JDK put around the exception that says what happened. */
    static Throwable unwrap(Throwable t) {
        Throwable current = Exceptions.unwrap(t);
        while ((current instanceof java.util.concurrent.CompletionException
                || current instanceof java.util.concurrent.ExecutionException
                || current instanceof java.lang.reflect.UndeclaredThrowableException
                || (current instanceof RuntimeException && current.getClass() == RuntimeException.class))
                && current.getCause() != null) {
            current = Exceptions.unwrap(current.getCause());
        }
        return current;
    }

    /** The exception's message on one line; its type where it has no message. */
    static String oneLine(Throwable t) {
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return flat(message);
    }

    /** A spec the engine refused, as a usage error listing every violation. */
    static CliFailure invalidSpec(InvalidVmSpecException e) {
        return CliFailure.usage("invalid VM spec: " + String.join("; ", e.violations()));
    }

    /**
     * An all-or-nothing boot that failed, in one line: the VM that failed first and why, then what that
     * did to the others (cancelled, never launched, stopped).
     */
    static String fleetBoot(FleetBootException e) {
        List<MemberFailure> failures = e.failures();
        if (failures.isEmpty()) {
            return oneLine(e);
        }
        MemberFailure first = failures.get(0);
        StringBuilder b = new StringBuilder(member(first));
        b.append(consoleSuffix(first.cause()));
        List<String> others = failures.subList(1, failures.size()).stream().map(MemberFailure::vmName).toList();
        if (!others.isEmpty() || !e.stopped().isEmpty()) {
            b.append(" (all-or-nothing");
            if (!others.isEmpty()) {
                b.append("; not up: ").append(String.join(", ", others));
            }
            if (!e.stopped().isEmpty()) {
                b.append("; stopped: ").append(String.join(", ", e.stopped()));
            }
            b.append(')');
        }
        return flat(b.toString());
    }

    /** {@code vmN on HOST: why}, with the VM and host said once (the launcher's messages often say them already). */
    static String member(MemberFailure f) {
        return f.reason().startsWith(f.vmName() + " on ") ? f.reason()
                : f.vmName() + " on " + f.host() + ": " + withoutName(f.vmName(), f.host(), f.reason());
    }

    /** Why a member failed, for a line or table row that names the VM and host already. */
    static String reason(MemberFailure f) {
        return withoutName(f.vmName(), f.host(), f.reason()) + consoleSuffix(f.cause());
    }

    /**
     * The launcher's and the fleet's messages begin with the VM's name, and an SSH host's with the host,
     * which the line already says.
     */
    static String withoutName(String vm, String host, String message) {
        String m = message;
        if (m.startsWith(vm + " on ")) {
            int space = m.indexOf(' ', (vm + " on ").length());
            if (space > 0) {
                m = m.substring(space + 1);
            }
        } else if (m.startsWith(vm + ": ")) {
            m = m.substring(vm.length() + 2);
        }
        if (m.startsWith(host + ": ")) {
            m = m.substring(host.length() + 2);
        }
        return m;
    }

    /** {@code " (console: <exit line>)"} for a failure whose console says the function exited; else empty. */
    static String consoleSuffix(Throwable failure) {
        return functionExitLine(failure).map(line -> " (console: " + line + ")").orElse("");
    }

    /**
     * The init script's line that says the function exited ({@code qemu-reactor-init: function exited with
     * status 3, powering off}), from a failed launch's console tail.
     */
    private static Optional<String> functionExitLine(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof VmLaunchException launch) {
                List<String> tail = launch.consoleTail();
                for (int i = tail.size() - 1; i >= 0; i--) {
                    String line = tail.get(i).strip();
                    int at = line.indexOf("qemu-reactor-init: " + BootFunction.NAME + " exited with status");
                    if (at >= 0) {
                        return Optional.of(line.substring(at));
                    }
                }
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String flat(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
