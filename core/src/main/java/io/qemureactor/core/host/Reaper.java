package io.qemureactor.core.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The guarantee that nothing this JVM starts on a host outlives it, whatever ends the JVM
 * (SIGKILL, the OOM killer, a CI timeout): one small POSIX shell process per host (the script
 * {@code reaper.sh} shipped with this class), started before the first process the engine starts
 * there, that the engine tells each pid and run folder it owns. The reaper holds no connection of
 * its own: its stdin is a pipe from this JVM (local host) or its SSH exec channel (SSH host), and
 * when that input ends it stops every pid it still knows (SIGTERM, then SIGKILL, only if the pid is
 * still the same process: same start time in {@code /proc/PID/stat}), removes their folders, and
 * exits. What the engine stops itself, or releases on purpose ({@code --keep}), it forgets first.
 *
 * <p>Over SSH a dropped session also ends the reaper's input, while this JVM may well live on: the
 * reaper waits {@link #sshGrace()} first, and the engine, once reconnected, starts a successor that
 * adopts the same state folder (the entries are files there), which makes the old one exit quietly.
 *
 * <p>Any owner of a process can use it: {@code host.reaper().track(pid, folder)}, then
 * {@link Entry#forget()} once the process is gone and the folder removed.
 */
public final class Reaper {

    /** How long a reaper waits, after its input ended, for the engine to come back: none on this machine. */
    public static final Duration LOCAL_GRACE = Duration.ZERO;
    /** The system property that sets {@link #sshGrace()}, in seconds. */
    public static final String SSH_GRACE_PROPERTY = "qemu-reactor.reaper.ssh-grace-seconds";
    private static final long SSH_GRACE_SECONDS = 5;

    private static final int RELAUNCH_TRIES = 5;
    private static final Logger log = LoggerFactory.getLogger(Reaper.class);
    private static final String SCRIPT = loadScript();
    private static final Set<PosixFilePermission> OWNER_RW = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    private static final Reaper NONE = new Reaper(null, Duration.ZERO, "");

    private final Host host;
    private final Duration grace;
    private final String stateDir;
    private final AtomicLong ids = new AtomicLong();
    /** What is tracked, as this JVM knows it: id -> what the reaper was told. */
    private final ConcurrentHashMap<Long, String> tracked = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private Mono<InteractiveProcess> link;
    private InteractiveProcess current;
    private boolean closed;

    private Reaper(Host host, Duration grace, String stateDir) {
        this.host = host;
        this.grace = grace;
        this.stateDir = stateDir;
    }

    /**
     * The reaper of {@code host} (each {@link Host} makes its own, once), started on first use. Its state
     * folder is private to this JVM: {@code /tmp/qemu-reactor-reaper-RANDOM}.
     *
     * @param host the host the reaper runs on
     * @param grace how long it waits, after its input ended, before it acts ({@link #LOCAL_GRACE}, {@link #sshGrace()})
     * @return a reaper not started yet; nothing runs until the first {@link #track} or {@link #trackFolder}
     */
    public static Reaper forHost(Host host, Duration grace) {
        String dir = "/tmp/qemu-reactor-reaper-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        return new Reaper(Objects.requireNonNull(host, "host"), Objects.requireNonNull(grace, "grace"), dir);
    }

    /**
     * How long an SSH host's reaper waits for the engine to reconnect before it stops everything: 5 s, or
     * the system property {@value #SSH_GRACE_PROPERTY} (seconds) when the host is made. Longer survives slower
     * reconnects; shorter stops a dead JVM's VMs sooner (after the grace plus about a second).
     *
     * @return the grace for SSH hosts, never negative
     */
    public static Duration sshGrace() {
        return Duration.ofSeconds(Math.max(0, Long.getLong(SSH_GRACE_PROPERTY, SSH_GRACE_SECONDS)));
    }

    /**
     * A reaper that tracks nothing: for hosts that cannot run one (test doubles).
     *
     * @return the shared no-op reaper
     */
    public static Reaper none() {
        return NONE;
    }

    /**
     * The folder on the host that holds the reaper's script, log and entries.
     *
     * @return absolute path of the state folder on the host ({@code ""} for {@link #none()})
     */
    public String stateDir() {
        return stateDir;
    }

    /**
     * How long the reaper waits, after its input ended, for a successor before it acts.
     *
     * @return the grace; {@link Duration#ZERO} acts at once
     */
    public Duration grace() {
        return grace;
    }

    /**
     * Tracks process {@code pid} and the folder it uses ({@code null}: none), to be stopped and removed if this JVM dies.
     *
     * @param pid the process id on the host
     * @param folder absolute folder path to remove with it, or {@code null}
     * @return a cold Mono of the entry, once the reaper has been told (starting the reaper if needed); fails with {@link HostException} after {@link #close()}, with {@link IllegalArgumentException} for a relative folder or one with newlines
     */
    public Mono<Entry> track(long pid, String folder) {
        return trackFolder(folder).flatMap(e -> e.addProcess(pid).thenReturn(e));
    }

    /**
     * Tracks a folder alone ({@code null}: nothing yet), for an owner that creates its folder before its process:
     * {@link Entry#addProcess(long)} adds the process once it runs.
     *
     * @param folder absolute folder path, or {@code null}
     * @return a cold Mono of the entry, once the reaper has been told; fails with {@link HostException} after {@link #close()}, with {@link IllegalArgumentException} for a relative folder or one with newlines
     */
    public Mono<Entry> trackFolder(String folder) {
        return Mono.defer(() -> {
            Entry e = new Entry(ids.incrementAndGet(), checkFolder(folder));
            return e.send(-1).thenReturn(e);
        });
    }

    /**
     * How many entries this JVM has told the reaper about and not yet forgotten.
     *
     * @return the number of live entries in this JVM
     */
    public int size() {
        return tracked.size();
    }

    /**
     * How many entries the reaper process holds (its files), read on the host: for tests and soaks.
     *
     * @return a cold Mono of the number of entry files on the host (0 for {@link #none()})
     */
    public Mono<Integer> sizeOnHost() {
        if (this == NONE) {
            return Mono.just(0);
        }
        return host.exec(List.of("ls", "-A", "--", stateDir)).map(r -> (int) r.stdout().lines()
                .filter(name -> name.startsWith("e.") && !name.endsWith(".new")).count());
    }

    /**
     * The reaper process's pid, while one runs.
     *
     * @return the pid, or empty if no reaper process is running
     */
    public OptionalLong pid() {
        synchronized (lock) {
            return current == null ? OptionalLong.empty() : OptionalLong.of(current.pid());
        }
    }

    /**
     * Ends the reaper's input, as this JVM's death would: after its grace it stops what is still
     * tracked. The host calls it when it is closed; later tracks fail.
     *
     * @return a cold Mono that completes once the input is closed (at once if no reaper runs)
     */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            InteractiveProcess t;
            synchronized (lock) {
                closed = true;
                t = current;
            }
            return t == null ? Mono.empty() : t.closeInput();
        });
    }

    @Override
    public String toString() {
        return this == NONE ? "no reaper" : "reaper of " + host.name() + " (" + stateDir + ")";
    }

    private Mono<Void> send(long id, String line) {
        if (this == NONE) {
            return Mono.empty();
        }
        return connected().flatMap(t -> t.write(line + "\n")).doOnSuccess(v -> {
            if (line.startsWith("forget ")) {
                tracked.remove(id);
            } else {
                tracked.put(id, line);
            }
        });
    }

    /** The running reaper, started on first use and again after it was lost (an SSH session that dropped). */
    private Mono<InteractiveProcess> connected() {
        synchronized (lock) {
            if (closed) {
                return Mono.error(new HostException(this + " is closed"));
            }
            if (link == null) {
                link = launch().doOnError(e -> forgetLink()).cache();
            }
            return link;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void forgetLink() {
        synchronized (lock) {
            link = null;
            current = null;
        }
    }

    /**
     * Starts the script: into a new state folder, or adopting the one a lost reaper left (its entries
     * are files there; the old reaper sees the successor's pid as the owner and exits without acting).
     */
    private Mono<InteractiveProcess> launch() {
        String script = stateDir + "/reaper.sh";
        Mono<Void> prepare = host.isReadable(script).flatMap(adopt -> adopt ? Mono.empty()
                : host.createPrivateFolder(stateDir)
                        .then(host.writeFile(script, SCRIPT.getBytes(StandardCharsets.UTF_8), OWNER_RW)));
        return prepare
                // the script writes its own log (STATE_DIR/reaper.log): its stdout is left to end at once
                .then(host.startInteractive(List.of("sh", script, stateDir, Long.toString(grace.toSeconds()))))
                .doOnNext(t -> {
                    synchronized (lock) {
                        current = t;
                    }
                    log.debug("{}: pid {}", this, t.pid());
                    t.onExit().subscribe(code -> lost(t, code), e -> lost(t, -1));
                });
    }

    /** The reaper ended while this JVM lives: start a successor now, within the grace, unless we closed it. */
    private void lost(InteractiveProcess t, int code) {
        synchronized (lock) {
            if (closed || current != t) {
                return;
            }
            link = null;
            current = null;
        }
        log.warn("{}: pid {} ended (status {}); starting another", this, t.pid(), code);
        Mono.defer(this::connected)
                .retryWhen(Retry.backoff(RELAUNCH_TRIES, Duration.ofMillis(500)).filter(e -> !isClosed()))
                .subscribe(n -> { }, e -> log.warn("{}: cannot start another: {}", this, e.toString()));
    }

    private static String checkFolder(String folder) {
        if (folder == null) {
            return "-";
        }
        if (!folder.startsWith("/") || folder.length() < 2 || !folder.equals(folder.strip()) || folder.contains("\n")) {
            throw new IllegalArgumentException("a reaper folder must be an absolute path without newlines or"
                    + " surrounding blanks, got \"" + folder + "\"");
        }
        return folder;
    }

    private static String loadScript() {
        try (InputStream in = Reaper.class.getResourceAsStream("reaper.sh")) {
            if (in == null) {
                throw new IllegalStateException("reaper.sh is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One tracked thing: a folder, a process, or both. */
    public final class Entry {

        private final long id;
        private final String folder;

        private Entry(long id, String folder) {
            this.id = id;
            this.folder = folder;
        }

        /**
         * Adds the process that uses this entry's folder; the reaper records its start time now.
         *
         * @param pid the process id on the host
         * @return a cold Mono that completes once the reaper has been told
         */
        public Mono<Void> addProcess(long pid) {
            return send(pid);
        }

        /**
         * Released on purpose (stopped and removed by its owner, or kept): the reaper leaves it alone.
         *
         * @return a cold Mono that completes once the reaper has been told; never fails (an error is logged and the entry dropped locally)
         */
        public Mono<Void> forget() {
            return Reaper.this.send(id, "forget " + id).onErrorResume(e -> {
                // the owner released it already; the reaper finds the pid gone (or not the same process)
                tracked.remove(id);
                log.debug("{}: forget {}: {}", Reaper.this, id, e.toString());
                return Mono.empty();
            });
        }

        private Mono<Void> send(long pid) {
            return Reaper.this.send(id, "track " + id + " " + (pid < 0 ? "-" : Long.toString(pid)) + " " + folder);
        }

        @Override
        public String toString() {
            return "entry " + id + " of " + Reaper.this;
        }
    }
}
