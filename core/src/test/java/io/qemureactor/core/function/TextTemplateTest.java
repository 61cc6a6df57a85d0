package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TextTemplateTest {

    @Test
    void replacesEveryOccurrence() {
        TextTemplate t = TextTemplate.of("t", "a=${a} b=${b} again ${a}\n");
        assertThat(t.parameters()).containsExactly("a", "b");
        assertThat(t.render(Map.of("a", "1", "b", "2"))).isEqualTo("a=1 b=2 again 1\n");
    }

    @Test
    void shellDollarsPassThroughAndDoubleDollarBraceIsALiteral() {
        TextTemplate t = TextTemplate.of("t", "echo \"$1\" $var \"$@\" $$ $${HOME} ${x}");
        assertThat(t.parameters()).containsExactly("x");
        assertThat(t.render(Map.of("x", "X"))).isEqualTo("echo \"$1\" $var \"$@\" $$ ${HOME} X");
    }

    @Test
    void valuesAreNotRescanned() {
        assertThat(TextTemplate.of("t", "${a}").render(Map.of("a", "${b}"))).isEqualTo("${b}");
    }

    @Test
    void missingAndUnknownAreAllNamedAtOnce() {
        TextTemplate t = TextTemplate.of("t.txt", "${one} ${two} ${three}");
        assertThatThrownBy(() -> t.render(Map.of("two", "2", "for", "4", "fife", "5")))
                .isInstanceOfSatisfying(TemplateParameterException.class, e -> {
                    assertThat(e.missing()).containsExactly("one", "three");
                    assertThat(e.unknown()).containsExactly("fife", "for");
                    assertThat(e.parameter()).isEqualTo("template t.txt");
                })
                .hasMessage("template t.txt: missing parameters one, three; unknown parameters fife, for");
    }

    @Test
    void malformedPlaceholderIsRejectedWithItsLine() {
        assertThatThrownBy(() -> TextTemplate.of("bad", "ok\n${not closed"))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageContaining("bad").hasMessageContaining("line 2");
        assertThatThrownBy(() -> TextTemplate.of("bad", "${1x}")).hasMessageContaining("line 1");
    }
}
