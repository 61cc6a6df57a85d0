package io.qemureactor.core.function;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A template was rendered with parameters that do not fit it: some of its placeholders got no value,
 * or values were given for names it does not have (usually a typo, which would otherwise leave the
 * real placeholder empty). The seed's templates kept such placeholders: docs/network-functions.md, F2.
 */
public final class TemplateParameterException extends InvalidFunctionConfigException {

    /** Placeholders without a value. */
    private final SortedSet<String> missing;
    /** Given names without a placeholder. */
    private final SortedSet<String> unknown;

    TemplateParameterException(String template, Set<String> missing, Set<String> unknown) {
        super("template " + template, describe(missing, unknown));
        this.missing = new TreeSet<>(missing);
        this.unknown = new TreeSet<>(unknown);
    }

    /**
     * The placeholders of the template that got no value.
     *
     * @return their names, sorted; empty if none
     */
    public List<String> missing() {
        return List.copyOf(missing);
    }

    /**
     * The given names the template has no placeholder for.
     *
     * @return those names, sorted; empty if none
     */
    public List<String> unknown() {
        return List.copyOf(unknown);
    }

    private static String describe(Set<String> missing, Set<String> unknown) {
        StringBuilder sb = new StringBuilder();
        if (!missing.isEmpty()) {
            sb.append("missing parameter").append(missing.size() == 1 ? " " : "s ")
                    .append(String.join(", ", new TreeSet<>(missing)));
        }
        if (!unknown.isEmpty()) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("unknown parameter").append(unknown.size() == 1 ? " " : "s ")
                    .append(String.join(", ", new TreeSet<>(unknown)));
        }
        return sb.toString();
    }
}
