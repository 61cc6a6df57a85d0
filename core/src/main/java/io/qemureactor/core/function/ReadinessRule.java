package io.qemureactor.core.function;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a serial-console boot probe tells that a kernel VM's network function is up: a console line
 * matching {@code success} means ready, a line matching any of {@code failures} means it failed. The
 * seed polled {@code tail -1} of the console log every second for the VPP version or "Press enter to
 * exit", and gave up on {@code reboot: Power down}; the probe instead tests every line as it arrives.
 *
 * <p>Every rule fails on {@link #POWER_DOWN}: the init script powers the VM off when the function
 * exits, so a function that dies (or never starts) ends in that kernel message.
 */
public record ReadinessRule(Pattern success, List<Pattern> failures) {

    /** The kernel's last words on {@code poweroff -f}. */
    public static final String POWER_DOWN = "reboot: Power down";

    /** What one console line says. */
    public enum Verdict {
        READY, FAILED, UNDECIDED
    }

    public ReadinessRule {
        Objects.requireNonNull(success, "success");
        failures = List.copyOf(failures);
    }

    /** Ready when a line contains {@code text} (taken literally); fails on {@link #POWER_DOWN}. */
    public static ReadinessRule lineContaining(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new InvalidFunctionConfigException("success", "a readiness text must not be blank: it would match any line");
        }
        return new ReadinessRule(Pattern.compile(Pattern.quote(text)),
                List.of(Pattern.compile(Pattern.quote(POWER_DOWN))));
    }

    /** A copy that also fails on lines matching {@code regex}. */
    public ReadinessRule orFailOn(String regex) {
        List<Pattern> more = new ArrayList<>(failures);
        more.add(Pattern.compile(regex));
        return new ReadinessRule(success, more);
    }

    /**
     * Classifies one console line (without its line terminator). Failures are checked first, so a line
     * that matches both counts as a failure.
     */
    public Verdict test(CharSequence line) {
        for (Pattern failure : failures) {
            if (failure.matcher(line).find()) {
                return Verdict.FAILED;
            }
        }
        return success.matcher(line).find() ? Verdict.READY : Verdict.UNDECIDED;
    }

    @Override
    public boolean equals(Object o) {
        // Pattern has identity equality; compare the regexes.
        return o instanceof ReadinessRule r && success.pattern().equals(r.success.pattern())
                && failures.stream().map(Pattern::pattern).toList()
                        .equals(r.failures.stream().map(Pattern::pattern).toList());
    }

    @Override
    public int hashCode() {
        return Objects.hash(success.pattern(), failures.stream().map(Pattern::pattern).toList());
    }
}
