package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class PosixModesTest {

    @Test
    void modesBecomePermissions() {
        assertThat(PosixFilePermissions.toString(PosixModes.toPermissions(0755))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(PosixModes.toPermissions(0644))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(PosixModes.toPermissions(0600))).isEqualTo("rw-------");
        assertThat(PosixModes.toPermissions(0)).isEmpty();
    }

    @Test
    void permissionsBecomeModes() {
        assertThat(PosixModes.toMode(PosixFilePermissions.fromString("rwxr-x---"))).isEqualTo(0750);
        assertThat(PosixModes.toMode(PosixModes.toPermissions(0644))).isEqualTo(0644);
    }
}
