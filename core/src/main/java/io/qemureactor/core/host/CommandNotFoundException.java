package io.qemureactor.core.host;

/** A program the engine needs is not installed (or not on the PATH) on a host. */
public final class CommandNotFoundException extends HostException {

    private final String program;

    public CommandNotFoundException(String program, String host, String hint) {
        super(program + " not found on " + host + (hint == null || hint.isEmpty() ? "" : ": " + hint));
        this.program = program;
    }

    public String program() {
        return program;
    }
}
