package io.qemureactor.core.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.guest.GuestKit.Flavour;
import io.qemureactor.core.host.SshHost;
import io.qemureactor.core.probe.BootProbe;
import io.qemureactor.core.testing.LaunchFixture;
import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.core.vm.RunningVm;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.nio.file.Path;
import java.time.Duration;
import reactor.core.Disposable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same boot on a "remote" host: an sshd on 127.0.0.1, QEMU started over SSH, QMP, the
 * console and the agent reached through forwarded unix sockets.
 */
@ExtendWith(SshdExtension.class)
class QemuLauncherSshIT {

    @RegisterExtension
    final LaunchFixture local = new LaunchFixture();

    private SshHost host;
    private RunningVm vm;

    @AfterEach
    void cleanUp() {
        if (vm != null) {
            vm.kill().block(Duration.ofSeconds(60));
        }
        if (host != null) {
            host.close().block(Duration.ofSeconds(90));  // awaits a failed launch's stop, which runs over its session
        }
    }

    @Test
    void bootsOverSshWithQmpConsoleAndAgentForwarded(Sshd sshd) {
        host = SshHosts.to(sshd);
        GuestKit kit = local.kit();
        QemuLauncher launcher = local.launcher();

        vm = launcher.start(host, local.guest(1, Flavour.DEFAULT).build(),
                BootProbe.all(kit.readyProbe(), BootProbe.qga())).block(Duration.ofSeconds(150));

        assertThat(vm.host().name()).startsWith("ssh://");
        assertThat(vm.qmp().address().isUnix()).as("QMP through a forwarded TCP port").isFalse();
        assertThat(ProcessHandle.of(vm.pid())).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
        assertThat(vm.qga().flatMap(a -> a.exec("/bin/echo", "over-ssh")).block(Duration.ofSeconds(30)).stdout())
                .isEqualTo("over-ssh\n");
        assertThat(vm.vcpuThreads().block(Duration.ofSeconds(10))).hasSize(1);

        long pid = vm.pid();
        String folder = vm.runFolder();
        vm.shutdown().block(Duration.ofSeconds(90));
        vm = null;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Path.of(folder)).doesNotExist();
    }

    @Test
    void closingTheHostAwaitsTheCleanupOfALaunchCancelledOverIt(Sshd sshd) {
        host = SshHosts.to(sshd);
        Disposable launch = local.launcher().start(host, local.guest(1, Flavour.DEFAULT).build(),
                BootProbe.serialMarker("a line this guest never prints")).subscribe(v -> { }, e -> { });
        Path folder = local.awaitRunFolder();       // QEMU runs on the host: its pidfile is written
        long pid = LaunchFixture.qemuPid(folder);

        launch.dispose();                           // the cleanup (QEMU killed, folder removed) runs over the session
        host.close().block(Duration.ofSeconds(90));
        host = null;

        // checked at once: close() returned after the cleanup ended (the reaper alone would stop QEMU only after
        // its grace, once the session is gone)
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(folder).doesNotExist();
    }
}
