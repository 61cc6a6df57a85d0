package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LocalHostContractIT extends HostContract {

    @Override
    Host host() {
        return LocalHost.instance();
    }

    @Override
    @Test
    void startingAMissingProgramFailsNamingIt() {
        assertThatThrownBy(() -> host().start(List.of("qemu-system-missing"), dir.resolve("m.log").toString()).block(T))
                .isInstanceOf(CommandNotFoundException.class)
                .hasMessage("qemu-system-missing not found on localhost: install it or put it on the PATH");
    }
}
