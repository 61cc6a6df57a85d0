package io.qemureactor.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.qemureactor.core.testing.SshHosts;
import io.qemureactor.testing.Fixtures;
import io.qemureactor.testing.SshdExtension;
import io.qemureactor.testing.SshdExtension.Sshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reaper} with real processes: when its input ends (what this JVM's death does) it stops what it
 * tracks and removes its folders, spares what was forgotten, and over SSH survives a dropped session.
 */
@ExtendWith(SshdExtension.class)
class ReaperIT {

    private static final Duration T = Duration.ofSeconds(30);
    /** A generous bound for polling: the reaper's grace, SIGTERM, its checks once a second. */
    private static final Duration GONE = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killWhatIsLeft() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(Fixtures::killAndWait));
    }

    @Test
    void localReaperStopsWhatItTracksWhenItsInputEndsAndSparesWhatWasForgotten() throws Exception {
        Host host = LocalHost.instance();
        Reaper reaper = Reaper.forHost(host, Reaper.LOCAL_GRACE);
        Path folder = Files.createDirectory(tmp.resolve("run1"));
        Files.writeString(folder.resolve("file"), "x");
        Path lonely = Files.createDirectory(tmp.resolve("folder-alone"));
        HostProcess tracked = sleeper(host, tmp.resolve("sleep1.log"));
        HostProcess kept = sleeper(host, tmp.resolve("sleep2.log"));

        reaper.track(tracked.pid(), folder.toString()).block(T);
        reaper.trackFolder(lonely.toString()).block(T);
        reaper.track(kept.pid(), null).block(T).forget().block(T);
        assertThat(reaper.size()).isEqualTo(2);
        assertThat(Fixtures.await(T, () -> reaper.sizeOnHost().block(T) == 2)).as("entries on the host").isTrue();
        long reaperPid = reaper.pid().orElseThrow();

        reaper.close().block(T);

        assertThat(Fixtures.await(GONE, () -> !tracked.isAlive() && !Files.exists(folder) && !Files.exists(lonely)))
                .as("tracked process stopped, folders removed").isTrue();
        assertThat(Fixtures.await(GONE, () -> ProcessHandle.of(reaperPid).isEmpty())).as("reaper exited").isTrue();
        assertThat(Files.exists(Path.of(reaper.stateDir()))).as("state folder removed").isFalse();
        assertThat(kept.isAlive()).as("forgotten process untouched").isTrue();
    }

    @Test
    void sshReaperStopsWhatItTracksWhenTheHostIsClosed(Sshd sshd) {
        SshHost host = SshHosts.to(sshd);
        String folder = tmp.resolve("remote-run").toString();
        host.createPrivateFolder(folder).block(T);
        HostProcess tracked = sleeper(host, tmp.resolve("remote-sleep.log"));
        host.reaper().track(tracked.pid(), folder).block(T);

        host.close().block(T);

        assertThat(Fixtures.await(GONE, () -> ProcessHandle.of(tracked.pid()).isEmpty() && !Files.exists(Path.of(folder))))
                .as("remote process stopped, folder removed").isTrue();
    }

    @Test
    void sshReaperOutlivesADroppedSessionWhenTheEngineComesBack(Sshd sshd) {
        // a grace longer than a reconnect on this (shared, loaded) machine can take
        System.setProperty(Reaper.SSH_GRACE_PROPERTY, "30");
        SshHost host;
        try {
            host = SshHosts.to(sshd);
        } finally {
            System.clearProperty(Reaper.SSH_GRACE_PROPERTY);
        }
        try {
            HostProcess tracked = sleeper(host, tmp.resolve("remote-sleep.log"));
            host.reaper().track(tracked.pid(), null).block(T);
            long first = host.reaper().pid().orElseThrow();

            host.session().block(T).disconnect(); // a dropped connection, as a network fault would

            assertThat(Fixtures.await(GONE, () -> host.reaper().pid().isPresent() && host.reaper().pid().getAsLong() != first))
                    .as("a successor reaper started").isTrue();
            assertThat(Fixtures.await(GONE, () -> ProcessHandle.of(first).isEmpty()))
                    .as("the old reaper exited after its grace").isTrue();
            assertThat(ProcessHandle.of(tracked.pid()).map(ProcessHandle::isAlive)).as("tracked process spared").contains(true);
            assertThat(host.reaper().sizeOnHost().block(T)).as("entry adopted").isEqualTo(1);
        } finally {
            host.close().block(T);
        }
    }

    private HostProcess sleeper(Host host, Path log) {
        HostProcess p = host.start(List.of("sleep", "600"), log.toString()).block(T);
        started.add(p.pid());
        return p;
    }
}
