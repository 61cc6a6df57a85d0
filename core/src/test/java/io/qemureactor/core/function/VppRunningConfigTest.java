package io.qemureactor.core.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qemureactor.core.spec.MacAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VppRunningConfigTest {

    @Test
    void l2CrossConnectGolden() {
        Golden.assertMatches("vpp-running-l2xc.exec", VppRunningConfig.l2CrossConnect().render());
    }

    @Test
    void ip4ChainRendersItsGoldenFile() {
        VppRunningConfig ip4 = VppRunningConfig.ip4Chain(MacAddress.parse("52:54:00:00:01:01"),
                MacAddress.parse("52:54:00:00:01:02"), MacAddress.parse("02:fe:00:00:00:01"),
                MacAddress.parse("02:fe:00:00:00:02"));
        Golden.assertMatches("vpp-running-ip4.exec", ip4.render());
    }

    @Test
    void shippedTemplatesDeclareTheirParameters() {
        assertThat(VppRunningConfig.shipped(VppRunningConfig.L2XC).parameters()).containsExactly("if1", "if2");
        assertThat(VppRunningConfig.shipped(VppRunningConfig.IP4).parameters())
                .containsExactlyInAnyOrder("if1", "if2", "mac1", "mac2", "vif1_mac", "vif2_mac");
    }

    @Test
    void interfaceNamesCanBeNewerVppNames() {
        String text = VppRunningConfig.l2CrossConnect("VirtioEthernet0/6/0", "VirtioEthernet0/7/0").render();
        assertThat(text).contains("set interface l2 xconnect VirtioEthernet0/6/0 VirtioEthernet0/7/0\n")
                .doesNotContain("Gigabit");
    }

    @Test
    void missingParametersAreNamed() {
        VppRunningConfig partial = VppRunningConfig.shipped(VppRunningConfig.IP4)
                .with("if1", VppRunningConfig.SEED_IF1).with("if2", VppRunningConfig.SEED_IF2)
                .with("mac1", "52:54:00:00:01:01");
        assertThatThrownBy(partial::render)
                .isInstanceOfSatisfying(TemplateParameterException.class, e -> {
                    assertThat(e.missing()).containsExactly("mac2", "vif1_mac", "vif2_mac");
                    assertThat(e.unknown()).isEmpty();
                })
                .hasMessage("template vpp_chain_ip4.exec: missing parameters mac2, vif1_mac, vif2_mac");
    }

    @Test
    void unknownParametersAreNamed() {
        VppRunningConfig typo = VppRunningConfig.l2CrossConnect().withAll(Map.of("vif1_mac", "02:fe:00:00:00:01"));
        assertThatThrownBy(typo::render)
                .isInstanceOfSatisfying(TemplateParameterException.class,
                        e -> assertThat(e.unknown()).containsExactly("vif1_mac"))
                .hasMessage("template vpp_chain_l2xc.exec: unknown parameter vif1_mac");
    }

    @Test
    void aValueCannotAddCliLines() {
        assertThatThrownBy(() -> VppRunningConfig.shipped(VppRunningConfig.L2XC)
                .with("if1", "GigabitEthernet0/6/0 up\nset interface state local0"))
                .isInstanceOf(InvalidFunctionConfigException.class)
                .hasMessageStartingWith("if1: ");
    }

    @Test
    void unknownTemplateIsNamed() {
        assertThatThrownBy(() -> VppRunningConfig.shipped("vpp_chain_nope"))
                .hasMessageContaining("vpp_chain_nope.exec");
        assertThatThrownBy(() -> VppRunningConfig.shipped("../init"))
                .hasMessageStartingWith("name: ");
    }
}
