package io.qemureactor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BootFunctionTest {

    @Test
    void blankReadyLineIsAUsageErrorNamingTheOptions() {
        assertThatThrownBy(() -> BootFunction.of("sleep 600", " \t", Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(CliFailure.class, e -> assertThat(e.exitCode()).isEqualTo(OneLineErrors.USAGE))
                .hasMessageStartingWith("error: --ready-line must not be blank")
                .hasMessageContaining("--function");
    }

    @Test
    void readyLineIsTakenLiterallyButNotFromTheInitScriptsOwnLine() {
        var rule = BootFunction.readiness("Press enter (to) exit");
        assertThat(rule.success().matcher("Press enter (to) exit").find()).isTrue();
        assertThat(rule.success().matcher("Press enter to exit").find()).isFalse();
    }
}
