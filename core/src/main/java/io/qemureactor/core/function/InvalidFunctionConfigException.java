package io.qemureactor.core.function;

import io.qemureactor.core.ConfigurationException;

/**
 * A network-function configuration that cannot be generated. The message starts with the parameter it
 * concerns ({@code nics[1]: ...}, {@code smp: ...}) so the caller knows what to fix; it is thrown while
 * building, before anything is written to a host (what the seed did instead: docs/network-functions.md, F2/F3).
 */
public class InvalidFunctionConfigException extends ConfigurationException {

    /** The parameter at fault. */
    private final String parameter;

    /**
     * An exception whose message is {@code parameter: problem}.
     *
     * @param parameter the parameter at fault, e.g. {@code nics[1]} or {@code smp}
     * @param problem   what is wrong with it
     */
    public InvalidFunctionConfigException(String parameter, String problem) {
        super(parameter + ": " + problem);
        this.parameter = parameter;
    }

    /**
     * The parameter at fault.
     *
     * @return its name as it starts the message, e.g. {@code nics[1]}
     */
    public String parameter() {
        return parameter;
    }
}
