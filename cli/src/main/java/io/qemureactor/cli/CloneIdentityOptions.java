package io.qemureactor.cli;

import io.qemureactor.core.template.CloneOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code boot --template}'s per-clone identity: a hostname per clone (the MACs are each clone's own anyway: a
 * clone's spec derives them from its id, and the restore sets them in the guest). A mixin, so that boot's other
 * options stay where they are.
 */
final class CloneIdentityOptions {

    @Option(names = "--hostname-prefix", paramLabel = "PREFIX",
            description = "With --template: clone N's hostname becomes PREFIXN (e.g. dut -> dut1, dut2, ...), set in the "
                    + "guest through its agent after the restore (default: the template's).")
    String hostnamePrefix;

    /** Fails in one line when the option is given without {@code --template}, or makes no valid host name. */
    void check(boolean template, int count) {
        if (hostnamePrefix == null) {
            return;
        }
        if (!template) {
            throw CliFailure.usage("--hostname-prefix goes with --template (a booted guest's hostname is its image's)");
        }
        try {
            CloneOptions.defaults().withHostname(hostnamePrefix + count);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--hostname-prefix: " + e.getMessage());
        }
    }

    /** Clone {@code id}'s options: its hostname if a prefix was given, ready within {@code timeout}. */
    CloneOptions forClone(int id, Duration timeout) {
        CloneOptions options = CloneOptions.defaults().withReadyTimeout(timeout);
        return hostnamePrefix == null ? options : options.withHostname(hostnamePrefix + id);
    }
}
