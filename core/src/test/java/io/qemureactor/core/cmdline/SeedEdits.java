package io.qemureactor.core.cmdline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The documented, deliberate differences from the seed, as edits on the seed's argv. A golden test
 * applies them to the argv the seed produced and expects exactly ours; every edit must match the seed
 * argv where it says, so an edit that no longer applies fails loudly instead of hiding a difference.
 * Each edit names its difference (D1...) in docs/command-line.md.
 */
final class SeedEdits {

    private final List<String> argv;
    private final List<String> log = new ArrayList<>();

    private SeedEdits(List<String> seedArgv) {
        this.argv = new ArrayList<>(seedArgv);
    }

    static SeedEdits of(List<String> seedArgv) {
        return new SeedEdits(seedArgv);
    }

    /** Replaces the one occurrence of {@code from} (consecutive arguments) with {@code to}. */
    SeedEdits replace(String reason, List<String> from, List<String> to) {
        int at = findOnce(reason, from);
        for (int i = 0; i < from.size(); i++) {
            argv.remove(at);
        }
        argv.addAll(at, to);
        log.add(reason);
        return this;
    }

    SeedEdits remove(String reason, String... from) {
        return replace(reason, List.of(from), List.of());
    }

    /** Inserts {@code added} right after the one occurrence of {@code anchor}. */
    SeedEdits insertAfter(String reason, List<String> anchor, List<String> added) {
        int at = findOnce(reason, anchor) + anchor.size();
        argv.addAll(at, added);
        log.add(reason);
        return this;
    }

    /** Appends at the end (after everything the seed had). */
    SeedEdits append(String reason, List<String> added) {
        argv.addAll(added);
        log.add(reason);
        return this;
    }

    List<String> result() {
        return Collections.unmodifiableList(argv);
    }

    List<String> reasons() {
        return log;
    }

    private int findOnce(String reason, List<String> seq) {
        int found = Collections.indexOfSubList(argv, seq);
        if (found < 0) {
            throw new AssertionError("edit '" + reason + "' does not apply: " + seq + " not in " + argv);
        }
        if (Collections.lastIndexOfSubList(argv, seq) != found) {
            throw new AssertionError("edit '" + reason + "' is ambiguous: " + seq + " occurs more than once");
        }
        return found;
    }
}
