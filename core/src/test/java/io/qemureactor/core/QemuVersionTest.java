package io.qemureactor.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class QemuVersionTest {

    @Test
    void parsesDebianVersionLine() {
        QemuVersion v = QemuVersion.parse("""
                QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)
                Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers
                """);
        assertThat(v.number()).isEqualTo("7.2.22");
        assertThat(v.packageVersion()).isEqualTo("Debian 1:7.2+dfsg-7+deb12u18+b3");
        assertThat(v).hasToString("7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)");
    }

    @Test
    void parsesUpstreamAndBareVersions() {
        assertThat(QemuVersion.parse("QEMU emulator version 10.0.0").number()).isEqualTo("10.0.0");
        assertThat(QemuVersion.parse("9.2").number()).isEqualTo("9.2.0");
    }

    @Test
    void comparesNumericallyNotAsStrings() {
        List<QemuVersion> versions = new ArrayList<>(List.of(
                QemuVersion.parse("7.2.22"), QemuVersion.parse("10.0"), QemuVersion.parse("9.2"),
                QemuVersion.parse("7.2.3")));
        Collections.sort(versions);
        assertThat(versions).extracting(QemuVersion::number)
                .containsExactly("7.2.3", "7.2.22", "9.2.0", "10.0.0");
        assertThat(QemuVersion.parse("10.0").isAtLeast(QemuVersion.of(9, 2, 0))).isTrue();
        assertThat(QemuVersion.parse("2.9").isAtLeast(QemuVersion.of(2, 10, 0))).isFalse();
    }

    @Test
    void equalityIgnoresThePackagePart() {
        assertThat(QemuVersion.parse("QEMU emulator version 7.2.22 (Debian x)"))
                .isEqualTo(QemuVersion.of(7, 2, 22))
                .hasSameHashCodeAs(QemuVersion.of(7, 2, 22));
    }

    @Test
    void rejectsTextWithoutAVersionNamingIt() {
        assertThatThrownBy(() -> QemuVersion.parse("bash: qemu: command not found"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a QEMU version: 'bash: qemu: command not found'");
    }
}
