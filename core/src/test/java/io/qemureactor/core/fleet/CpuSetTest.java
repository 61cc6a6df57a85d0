package io.qemureactor.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuSetTest {

    @Test
    void parsesAndPrintsTheKernelListNotation() {
        CpuSet s = CpuSet.parse("0-3, 6,8-9");
        assertThat(s.ids()).containsExactly(0, 1, 2, 3, 6, 8, 9);
        assertThat(s).hasToString("0-3,6,8-9");
        assertThat(CpuSet.of(0, 1)).hasToString("0-1");
        assertThat(CpuSet.empty()).hasToString("none");
        assertThat(CpuSet.parse("")).isEqualTo(CpuSet.empty());
    }

    @Test
    void setOperations() {
        CpuSet all = CpuSet.parse("0-7");
        CpuSet taken = CpuSet.parse("0-1,4");
        assertThat(all.minus(taken)).hasToString("2-3,5-7");
        assertThat(all.minus(taken).lowest(3)).hasToString("2-3,5");
        assertThat(taken.union(CpuSet.of(2))).hasToString("0-2,4");
        assertThat(taken.intersects(CpuSet.of(4))).isTrue();
        assertThat(CpuSet.firstN(2)).isEqualTo(CpuSet.of(0, 1));
    }

    @Test
    void refusesWhatIsNotACpuList() {
        assertThatThrownBy(() -> CpuSet.parse("0-x")).hasMessageContaining("'0-x' is not a CPU list")
                .hasMessageContaining("e.g. 0-3,6");
        assertThatThrownBy(() -> CpuSet.parse("5-2")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> CpuSet.parse("0-100000")).hasMessageContaining("outside 0..4095");
    }
}
