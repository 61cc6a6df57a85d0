package io.qemureactor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks are main code ({@code qemu-reactor bench ...}): they keep the project's rule that main code
 * never blocks, sleeps or starts a thread per VM. This reads the package's sources (comments left out) and
 * fails on the calls that break it, naming file and line.
 */
class BenchNeverBlocksTest {

    private static final Path SOURCES = Path.of("src/main/java/io/qemureactor/bench");

    /** What breaks the rule: Reactor's block calls, sleeps, latches, futures waited on, threads of our own. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "\\.block(First|Last|Optional)?\\(|Thread\\.sleep\\(|\\bCountDownLatch\\b|\\bFuture\\b|\\.waitFor\\(|new Thread\\(");

    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void theBenchPackageNeverBlocksSleepsOrStartsThreads() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertThat(files).as("sources under %s", SOURCES.toAbsolutePath()).hasSizeGreaterThan(10);
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            found.addAll(forbiddenCalls(file.getFileName().toString(), Files.readString(file)));
        }
        assertThat(found).as("blocking calls in io.qemureactor.bench").isEmpty();
    }

    @Test
    void theCheckFindsEachForbiddenCallButNotItsMentionInAComment() {
        String source = """
                /** never Thread.sleep(1) here, nor mono.block() */
                class X {
                    void a() { mono.block(); }
                    void b() throws Exception { Thread.sleep(10); }
                    void c() { new Thread(() -> { }).start(); } // new Thread( in a comment
                    void d() { flux.blockLast(); latch = new CountDownLatch(1); p.waitFor(); }
                }
                """;

        assertThat(forbiddenCalls("X.java", source)).containsExactly(
                "X.java:3: .block(", "X.java:4: Thread.sleep(", "X.java:5: new Thread(",
                "X.java:6: .blockLast(", "X.java:6: CountDownLatch", "X.java:6: .waitFor(");
    }

    /** Each forbidden call outside comments, as {@code FILE:LINE: CALL}. */
    private static List<String> forbiddenCalls(String name, String source) {
        // comments blanked, newlines kept, so that line numbers stay right
        Matcher comments = COMMENTS.matcher(source);
        StringBuilder code = new StringBuilder();
        while (comments.find()) {
            comments.appendReplacement(code, Matcher.quoteReplacement(comments.group().replaceAll("[^\\n]", " ")));
        }
        comments.appendTail(code);
        List<String> found = new ArrayList<>();
        Matcher m = FORBIDDEN.matcher(code);
        while (m.find()) {
            int line = (int) code.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            found.add(name + ":" + line + ": " + m.group());
        }
        return found;
    }
}
