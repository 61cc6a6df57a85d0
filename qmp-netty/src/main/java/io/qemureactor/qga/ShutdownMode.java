package io.qemureactor.qga;

import java.util.Locale;

/** The {@code mode} of {@code guest-shutdown}. */
public enum ShutdownMode {
    /** Power off (the agent's default). */
    POWERDOWN,
    /** Halt without powering off. */
    HALT,
    /** Reboot. */
    REBOOT;

    /**
     * The value of {@code guest-shutdown}'s {@code mode} argument.
     *
     * @return the lower-case name, e.g. {@code powerdown}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
