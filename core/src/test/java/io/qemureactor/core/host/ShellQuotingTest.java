package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShellQuotingTest {

    @Test
    void leavesSafeWordsBare() {
        assertThat(ShellQuoting.join(List.of("qemu-system-x86_64", "-m", "256M", "path=/run/qr/vm1/qmp.sock,server=on")))
                .isEqualTo("qemu-system-x86_64 -m 256M path=/run/qr/vm1/qmp.sock,server=on");
    }

    @Test
    void quotesEverythingAShellWouldInterpret() {
        assertThat(ShellQuoting.quote("a b")).isEqualTo("'a b'");
        assertThat(ShellQuoting.quote("$(reboot)")).isEqualTo("'$(reboot)'");
        assertThat(ShellQuoting.quote("it's")).isEqualTo("'it'\\''s'");
        assertThat(ShellQuoting.quote("")).isEqualTo("''");
        assertThat(ShellQuoting.quote("x;y|z&*?~`\"\n")).isEqualTo("'x;y|z&*?~`\"\n'");
    }
}
