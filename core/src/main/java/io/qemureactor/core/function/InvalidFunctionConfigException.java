package io.qemureactor.core.function;

/**
 * A network-function configuration that cannot be generated. The message starts with the parameter it
 * concerns ({@code nics[1]: ...}, {@code smp: ...}) so the caller knows what to fix; it is thrown while
 * building, before anything is written to a host, unlike the seed whose templates silently kept
 * placeholders and whose shell lines broke at run time.
 */
public class InvalidFunctionConfigException extends IllegalArgumentException {

    private final String parameter;

    public InvalidFunctionConfigException(String parameter, String problem) {
        super(parameter + ": " + problem);
        this.parameter = parameter;
    }

    /** The parameter at fault, as named in the message. */
    public String parameter() {
        return parameter;
    }
}
