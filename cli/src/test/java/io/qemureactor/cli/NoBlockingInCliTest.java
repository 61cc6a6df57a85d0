package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins the project's rule for the CLI's main code: no {@code block()}, no {@code Thread.sleep}, no thread of its
 * own, no waiting on a future or latch, anywhere in {@code io.qemureactor.cli} but {@link CommandEdge}, the one
 * place that waits for a command's Mono. A source scan: a new waiting call fails here with its file and line.
 */
class NoBlockingInCliTest {

    private static final Path SOURCES = Path.of("src", "main", "java", "io", "qemureactor", "cli");

    /** What waits: Reactor's block*, sleeping, a thread of one's own, a future's or a latch's get/await. */
    private static final Pattern WAITS = Pattern.compile(
            "\\.block(First|Last|Optional)?\\(|Thread\\.sleep\\(|new Thread\\(|CountDownLatch|toFuture\\(\\)"
                    + "|CompletableFuture|\\.join\\(\\)|\\.await\\(|Executors\\.");

    /** The CLI's one blocking edge. */
    private static final String EDGE = "CommandEdge.java";

    @Test
    void noCommandWaitsOutsideTheEdge() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : sources()) {
            String name = file.getFileName().toString();
            if (name.equals(EDGE)) {
                continue;
            }
            found.addAll(waits(file));
        }
        assertThat(found).as("waiting calls outside CommandEdge (make the command's Mono do it)").isEmpty();
    }

    @Test
    void theScanSeesTheEdgesWait() throws IOException {
        assertThat(sources()).as("the CLI's sources, from the module folder").hasSizeGreaterThan(20);
        assertThat(waits(SOURCES.resolve(EDGE))).as("CommandEdge waits for the command's exit code").isNotEmpty();
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.list(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** {@code File.java:LINE: code} for each line of code (not a comment) that waits. */
    private static List<String> waits(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> hits = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String code = lines.get(i).strip();
            if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) {
                continue;
            }
            if (WAITS.matcher(code).find()) {
                hits.add(file.getFileName() + ":" + (i + 1) + ": " + code);
            }
        }
        return hits;
    }
}
