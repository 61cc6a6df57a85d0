package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Expected files under {@code src/test/resources/golden/function/}. With {@code -Dgolden.update=true} the
 * actual text is written there instead of compared: review the diff before committing.
 */
final class Golden {

    private static final String FOLDER = "golden/function/";

    private Golden() {
    }

    static void assertMatches(String file, String actual) {
        if (Boolean.getBoolean("golden.update")) {
            try {
                Path target = Path.of("src/test/resources", FOLDER, file);
                Files.createDirectories(target.getParent());
                Files.writeString(target, actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        assertThat(actual).as("golden file %s (rewrite with -Dgolden.update=true and review)", file)
                .isEqualTo(read(file));
    }

    static void assertMatches(String file, List<String> argv) {
        assertMatches(file, String.join("\n", argv) + "\n");
    }

    static String read(String file) {
        try (InputStream in = Golden.class.getClassLoader().getResourceAsStream(FOLDER + file)) {
            if (in == null) {
                throw new AssertionError("no golden file " + FOLDER + file
                        + " (create it with -Dgolden.update=true and review it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> readLines(String file) {
        return List.of(read(file).split("\n"));
    }

    /** The seed's generator printed {@code "key " + value} even for empty values; VPP ignores trailing blanks. */
    static String stripTrailingBlanks(String text) {
        return Arrays.stream(text.split("\n", -1)).map(String::stripTrailing).collect(Collectors.joining("\n"));
    }
}
