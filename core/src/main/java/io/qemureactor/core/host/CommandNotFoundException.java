package io.qemureactor.core.host;

/** A program the engine needs is not installed (or not on the PATH) on a host. */
public final class CommandNotFoundException extends HostException {

    /**
     * The program that is missing, as it appears in argv[0].
     */
    private final String program;

    /**
     * Creates the exception; the message reads {@code PROGRAM not found on HOST: HINT}.
     *
     * @param program the missing program
     * @param host the host's name ({@link Host#name()})
     * @param hint how to install it ({@link Packages#installHint}), or {@code null}/empty for none
     */
    public CommandNotFoundException(String program, String host, String hint) {
        super(program + " not found on " + host + (hint == null || hint.isEmpty() ? "" : ": " + hint));
        this.program = program;
    }

    /**
     * The program that is missing.
     *
     * @return the program name, as it was given in argv[0]
     */
    public String program() {
        return program;
    }
}
