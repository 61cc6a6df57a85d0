package io.qemureactor.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MacAddressTest {

    @Test
    void seedDefaultIsTwoHexDigitsPerOctet() {
        assertThat(MacAddress.seedDefault(1, 0xff)).hasToString("52:54:00:00:01:ff");
        assertThat(MacAddress.seedDefault(18, 2)).hasToString("52:54:00:00:12:02");
    }

    @Test
    void parseNormalisesCase() {
        assertThat(MacAddress.parse(" 52:54:00:AB:cd:EF ")).isEqualTo(new MacAddress("52:54:00:ab:cd:ef"));
    }

    @Test
    void rejectsMalformedAndMulticast() {
        assertThatThrownBy(() -> MacAddress.parse("52-54-00-00-01-01")).hasMessageContaining("is not a MAC address");
        assertThatThrownBy(() -> MacAddress.parse("52:54:00:00:01")).hasMessageContaining("is not a MAC address");
        assertThatThrownBy(() -> MacAddress.parse("33:33:00:00:00:01")).hasMessageContaining("multicast");
        assertThatThrownBy(() -> MacAddress.seedDefault(256, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
