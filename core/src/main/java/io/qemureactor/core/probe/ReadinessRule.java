package io.qemureactor.core.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a serial-console boot probe ({@link BootProbe#serial}) tells that a kernel VM's network function is up: a console line
 * matching {@code success} means ready, a line matching any of {@code failures} means it failed. The
 * seed polled {@code tail -1} of the console log every second for the VPP version or "Press enter to
 * exit", and gave up on {@code reboot: Power down}; the probe instead tests every line as it arrives.
 *
 * <p>Every rule fails on {@link #POWER_DOWN}: the init script powers the VM off when the function
 * exits, so a function that dies (or never starts) ends in that kernel message.
 *
 * @param success  a line in which this is found means ready
 * @param failures a line in which one of these is found means failed (checked first)
 */
public record ReadinessRule(Pattern success, List<Pattern> failures) {

    /** The kernel's last words on {@code poweroff -f}. */
    public static final String POWER_DOWN = "reboot: Power down";

    /** What one console line says. */
    public enum Verdict {
        /** The line means ready. */
        READY,
        /** The line means the VM will never be ready. */
        FAILED,
        /** The line says nothing either way. */
        UNDECIDED
    }

    /**
     * Copies the failure list; {@code success} is required.
     *
     * @param success a line in which this is found means ready
     * @param failures a line in which one of these is found means failed
     * @throws NullPointerException if {@code success} or {@code failures} (or one of its elements) is {@code null}
     */
    public ReadinessRule {
        Objects.requireNonNull(success, "success");
        failures = List.copyOf(failures);
    }

    /**
     * Ready when a line contains {@code text} (taken literally); fails on {@link #POWER_DOWN}.
     *
     * @param text the text a ready line contains, not blank
     * @return a new rule
     * @throws IllegalArgumentException when {@code text} is blank: it would match any line
     */
    public static ReadinessRule lineContaining(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("a readiness text must not be blank: it would match any line");
        }
        return new ReadinessRule(Pattern.compile(Pattern.quote(text)),
                List.of(Pattern.compile(Pattern.quote(POWER_DOWN))));
    }

    /**
     * A copy that also fails on lines matching {@code regex}.
     *
     * @param regex a regular expression, found anywhere in a line
     * @return a new rule
     */
    public ReadinessRule orFailOn(String regex) {
        List<Pattern> more = new ArrayList<>(failures);
        more.add(Pattern.compile(regex));
        return new ReadinessRule(success, more);
    }

    /**
     * Classifies one console line (without its line terminator). Failures are checked first, so a line
     * that matches both counts as a failure.
     *
     * @param line one console line
     * @return what the line says
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
