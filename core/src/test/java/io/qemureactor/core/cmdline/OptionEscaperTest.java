package io.qemureactor.core.cmdline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OptionEscaperTest {

    @Test
    void doublesEveryComma() {
        assertThat(OptionEscaper.escape("/a,b")).isEqualTo("/a,,b");
        assertThat(OptionEscaper.escape(",,")).isEqualTo(",,,,");
        assertThat(OptionEscaper.escape("/plain path/x=y")).isEqualTo("/plain path/x=y");
    }

    @Test
    void optionValueEscapesValuesButNotRawParts() {
        String v = QemuOptionValue.of("socket").raw("id=c,x").with("path", "/a,b").flag("server", true)
                .flag("wait", false).toString();
        assertThat(v).isEqualTo("socket,id=c,x,path=/a,,b,server=on,wait=off");
    }
}
