package io.qemureactor.core.guest;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit.Flavour;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The test guest kit (scripts/build-guest) really boots under TCG in each flavour, prints its
 * marker on ttyS0, answers qemu-ga on the isa-serial port, and powers off (QEMU exits) on the
 * ACPI power button and on qemu-ga's guest-shutdown.
 */
class GuestKitBootIT {

    /** A loaded 2-core machine can take 10 s and more to boot a TCG guest. */
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration REPLY = Duration.ofSeconds(20);
    private static final Duration EXIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private GuestQemu vm;

    @AfterEach
    void killQemu() throws Exception {
        if (vm != null) {
            vm.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Flavour.class)
    void bootsToTheMarkerAndAnswersTheGuestAgent(Flavour flavour) throws Exception {
        GuestKit kit = GuestKit.locate();
        vm = GuestQemu.start(kit, flavour, dir);

        String console = vm.awaitMarker(BOOT);
        assertThat(console.lines()).contains(kit.marker());

        try (GuestQemu.Qga qga = vm.qga(REPLY)) {
            assertThat(qga.execute("{\"execute\":\"guest-ping\"}", REPLY)).isEqualTo("{\"return\": {}}");
        }
    }

    @Test
    void systemPowerdownMakesQemuExit() throws Exception {
        vm = GuestQemu.start(GuestKit.locate(), Flavour.DEFAULT, dir);
        vm.awaitMarker(BOOT);

        assertThat(vm.qmp("system_powerdown", REPLY).has("return")).isTrue();

        assertThat(vm.awaitExit(EXIT)).as("QEMU exits after system_powerdown" + vm.diagnostics()).isTrue();
        assertThat(vm.process().exitValue()).isZero();
    }

    @Test
    void guestShutdownMakesQemuExit() throws Exception {
        vm = GuestQemu.start(GuestKit.locate(), Flavour.DEFAULT, dir);
        vm.awaitMarker(BOOT);

        // Keep the session open until QEMU exits: closing a serial chardev's socket at once can
        // drop bytes QEMU has not passed to the UART yet.
        try (GuestQemu.Qga qga = vm.qga(REPLY)) {
            qga.send("{\"execute\":\"guest-shutdown\"}");
            assertThat(vm.awaitExit(EXIT)).as("QEMU exits after guest-shutdown" + vm.diagnostics()).isTrue();
        }
        assertThat(vm.process().exitValue()).isZero();
    }
}
