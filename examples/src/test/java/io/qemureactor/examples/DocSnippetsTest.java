package io.qemureactor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of the checked documents is compiled code: its lines (indentation aside) appear,
 * in order and contiguous, in a source file that the build compiles and a test runs (the examples'
 * programs, run by ExamplesIT; the snippets here, run by DocSnippetsIT; core's ITs). A block edited
 * in the docs but not in the code, or the other way round, fails this test with the block's place.
 */
class DocSnippetsTest {

    /** The documents whose every Java block is checked (the others follow; see docs/README's note). */
    static final List<String> CHECKED = List.of("README.md", "docs/errors.md", "docs/fleet.md", "docs/guest.md",
            "docs/junit.md", "docs/command-line.md", "docs/datapath.md", "docs/network-functions.md", "docs/templates.md",
            "docs/qmp.md", "docs/lifecycle.md");

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<Path> SOURCES = List.of(
            ROOT.resolve("examples/src/main/java"), ROOT.resolve("examples/src/test/java"), ROOT.resolve("core/src/test/java"),
            ROOT.resolve("qmp-netty/src/test/java"));

    @Test
    void everyJavaBlockOfTheCheckedDocsIsCompiledCode() throws IOException {
        List<String> sources = new ArrayList<>();
        for (Path dir : SOURCES) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> sources.add(normalized(read(f))));
            }
        }
        List<String> missing = new ArrayList<>();
        int blocks = 0;
        for (String doc : CHECKED) {
            for (Block block : javaBlocks(ROOT.resolve(doc))) {
                blocks++;
                String text = normalized(block.text());
                if (sources.stream().noneMatch(s -> s.contains(text))) {
                    missing.add(doc + ":" + block.line());
                }
            }
        }
        assertThat(blocks).isPositive();
        assertThat(missing).as("Java blocks that no compiled source holds verbatim").isEmpty();
    }

    record Block(int line, String text) {
    }

    static List<Block> javaBlocks(Path doc) {
        List<String> lines = read(doc).lines().toList();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                blocks.add(new Block(start + 1, String.join("\n", lines.subList(start, end))));
                i = end;
            }
        }
        return blocks;
    }

    /** Each line without its indentation and trailing blanks; blank lines dropped. */
    static String normalized(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n", "\n", "\n"));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
