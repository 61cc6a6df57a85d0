package io.qemureactor.core.function;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A text with {@code ${name}} placeholders, rendered with exactly one value per placeholder.
 *
 * <p>Why our own and so small: the seed's {@code string.Template.safe_substitute} left unmatched
 * placeholders in place and ignored extra names; here both are errors naming every offender
 * ({@link TemplateParameterException}). The syntax is chosen to coexist with shell scripts: only
 * <code>${</code> opens a placeholder (names are {@code [A-Za-z_][A-Za-z0-9_]*}); <code>$${</code> writes
 * a literal <code>${</code>; any other {@code $} ({@code $1}, {@code "$@"}, {@code $var}) is plain text.
 * A template whose <code>${</code> is not a well-formed placeholder is rejected when loaded. Values are inserted
 * verbatim: quoting for the target language is the caller's job ({@link InitScript} shell-quotes).
 */
public final class TextTemplate {

    private static final Pattern PLACEHOLDER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String name;
    private final List<Object> parts; // String literal or Placeholder
    private final Set<String> parameters;

    private record Placeholder(String name) {
    }

    private TextTemplate(String name, List<Object> parts, Set<String> parameters) {
        this.name = name;
        this.parts = parts;
        this.parameters = parameters;
    }

    /**
     * Parses a template.
     *
     * @param name identifies the template in error messages (e.g. its file name)
     * @param text the template text
     * @return the parsed, immutable template (safe to share between threads)
     * @throws InvalidFunctionConfigException naming {@code template NAME} and the line if a <code>${</code>
     *     does not open a well-formed placeholder
     * @throws NullPointerException if an argument is null
     */
    public static TextTemplate of(String name, String text) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        List<Object> parts = new ArrayList<>();
        Set<String> parameters = new LinkedHashSet<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                String candidate = end < 0 ? null : text.substring(i + 2, end);
                if (candidate == null || !PLACEHOLDER_NAME.matcher(candidate).matches()) {
                    throw new InvalidFunctionConfigException("template " + name, "malformed placeholder at line "
                            + lineOf(text, i) + " (write ${name}, or $${ for a literal ${)");
                }
                parts.add(literal.toString());
                literal.setLength(0);
                parts.add(new Placeholder(candidate));
                parameters.add(candidate);
                i = end + 1;
            } else {
                literal.append(text.charAt(i));
                i++;
            }
        }
        parts.add(literal.toString());
        return new TextTemplate(name, List.copyOf(parts), Collections.unmodifiableSet(parameters));
    }

    /**
     * Loads a UTF-8 template shipped in this package's {@code templates/} resource folder, e.g.
     * {@code resource("init.sh")}.
     *
     * @param fileName the file name under {@code io/qemureactor/core/function/templates/}
     * @return the parsed template, named {@code fileName}
     * @throws InvalidFunctionConfigException if there is no such resource or it is malformed
     * @throws java.io.UncheckedIOException if the resource cannot be read
     */
    public static TextTemplate resource(String fileName) {
        String path = "templates/" + fileName;
        try (InputStream in = TextTemplate.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new InvalidFunctionConfigException("template", "no template named '" + fileName
                        + "' in io/qemureactor/core/function/templates/");
            }
            return of(fileName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template " + path, e);
        }
    }

    /**
     * The template's name, as used in error messages.
     *
     * @return the name given to {@link #of} (the file name for {@link #resource})
     */
    public String name() {
        return name;
    }

    /**
     * The placeholder names.
     *
     * @return an unmodifiable set, in order of first appearance
     */
    public Set<String> parameters() {
        return parameters;
    }

    /**
     * The text with every placeholder replaced by its value, inserted verbatim (no quoting).
     *
     * @param values exactly one value per placeholder name, none for other names
     * @return the rendered text
     * @throws TemplateParameterException naming every missing and every unknown parameter
     */
    public String render(Map<String, String> values) {
        Objects.requireNonNull(values, "values");
        Set<String> missing = new HashSet<>(parameters);
        missing.removeAll(values.keySet());
        Set<String> unknown = new HashSet<>(values.keySet());
        unknown.removeAll(parameters);
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new TemplateParameterException(name, missing, unknown);
        }
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Placeholder p) {
                out.append(Objects.requireNonNull(values.get(p.name()), () -> "value of " + p.name()));
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
