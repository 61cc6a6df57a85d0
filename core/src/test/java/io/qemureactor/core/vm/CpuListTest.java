package io.qemureactor.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuListTest {

    @Test
    void readsSingleCpusRangesAndTheirMix() {
        assertThat(CpuList.parse("3\n")).containsExactly(3);
        assertThat(CpuList.parse("0-1")).containsExactly(0, 1);
        assertThat(CpuList.parse("0-2,5,7-8")).containsExactly(0, 1, 2, 5, 7, 8);
        assertThat(CpuList.parse("")).isEmpty();
    }

    @Test
    void somethingElseIsNamedInTheError() {
        assertThatThrownBy(() -> CpuList.parse("0-x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a CPU list: '0-x'");
    }
}
