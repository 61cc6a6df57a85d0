package io.qemureactor.core.junit;

import io.qemureactor.core.fleet.FleetHost;
import io.qemureactor.core.host.LocalHost;
import io.qemureactor.core.host.Reaper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The folder a test class's VMs get their run folders in, on every host they run on: created
 * here, known to each host's reaper while the class runs (so that a dead JVM's VMs are stopped and
 * the folder removed), and removed after the class.
 */
final class RunBase {

    /** Where the run folders go: short, so QEMU's socket paths stay under the 107-byte limit. */
    static final Path TEMP_BASE = Path.of("/tmp");

    /** How long starting a host's reaper (or telling it something) may take: an SSH host on a busy machine. */
    private static final Duration REAPER_WAIT = Duration.ofSeconds(60);

    private final Path path;
    /** The folder's entries in the hosts' reapers. */
    private final List<Reaper.Entry> entries = new ArrayList<>();

    private RunBase(Path path) {
        this.path = path;
    }

    /** A new, empty folder on this machine (the same path is used on the other hosts). */
    static RunBase create() throws IOException {
        return new RunBase(Files.createTempDirectory(TEMP_BASE, "qemu-reactor-junit-"));
    }

    Path path() {
        return path;
    }

    /**
     * The folder, on every host, goes to the host's reaper: if this JVM dies (a Surefire fork killed,
     * an IDE's stop button) the reaper stops every process whose argv names it and removes it.
     *
     * @throws IllegalStateException naming the host whose reaper could not be started
     */
    void trackOn(List<FleetHost> hosts) {
        for (FleetHost h : hosts) {
            try {
                entries.add(Sync.await(h.host().reaper().trackFolder(path.toString()), REAPER_WAIT));
            } catch (TimeoutException | RuntimeException e) {
                throw new IllegalStateException("cannot start the reaper on " + h.name() + ": " + e, e);
            }
        }
    }

    /** Removes the folder on {@code hosts} and here, then lets the reapers forget it; what fails goes to {@code problems}. */
    void remove(List<FleetHost> hosts, List<String> problems) {
        try {
            removeFolders(hosts, problems);
        } finally {
            for (Reaper.Entry e : entries) {
                try {
                    Sync.await(e.forget(), REAPER_WAIT);
                } catch (TimeoutException | RuntimeException ignored) {
                    // forget never fails; a slow one leaves the reaper to remove an already removed folder
                }
            }
            entries.clear();
        }
    }

    private void removeFolders(List<FleetHost> hosts, List<String> problems) {
        for (FleetHost h : hosts) {
            if (!(h.host() instanceof LocalHost)) {
                try {
                    Sync.await(h.host().exec(List.of("rm", "-rf", "--", path.toString())).then(), Duration.ofSeconds(30));
                } catch (TimeoutException | RuntimeException e) {
                    problems.add("cannot remove " + path + " on " + h.name() + ": " + e);
                }
            }
        }
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            problems.add("cannot remove " + path + ": " + e);
        }
    }
}
