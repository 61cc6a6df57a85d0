package io.qemureactor.core.template;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The migration URIs that write and read a state file. QEMU 7.2 has no {@code file:} transport (it came
 * in 8.2), so the file is reached through {@code exec:}, whose text QEMU hands to {@code /bin/sh -c}.
 * Rather than quote for a shell, only paths made of characters no shell interprets are accepted: a
 * template folder with a space or a quote fails in one line before anything starts.
 */
final class MigrationFile {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./+-]+");

    private MigrationFile() {
    }

    /** Fails with {@link InvalidTemplateException} unless {@code path} is absolute and shell-safe. */
    static Path checked(Path path) {
        String text = path.toString();
        if (!path.isAbsolute()) {
            throw new InvalidTemplateException("template path " + text + " must be absolute");
        }
        if (!SAFE.matcher(text).matches()) {
            throw new InvalidTemplateException("template path '" + text + "' may only hold letters, digits and"
                    + " . _ + - / (QEMU 7.2 reads and writes the state file through an exec: shell command)");
        }
        return path;
    }

    /** {@code exec:cat > FILE}: where {@code migrate} writes the state. */
    static String writeUri(Path file) {
        return "exec:cat > " + checked(file);
    }

    /** {@code exec:cat FILE}: where {@code migrate-incoming} reads it. */
    static String readUri(Path file) {
        return "exec:cat " + checked(file);
    }
}
