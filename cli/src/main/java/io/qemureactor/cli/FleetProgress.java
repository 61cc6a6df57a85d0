package io.qemureactor.cli;

import io.qemureactor.core.fleet.FleetEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * {@code boot}'s progress: one line per {@link FleetEvent} ({@code vm3 on localhost: qmp connected}),
 * or, on a terminal, one line per VM redrawn in place with ANSI cursor moves while the fleet boots.
 * Never anything in {@code --json} mode.
 *
 * <p>The fleet emits its events under its own lock; printing here takes only this object's lock.
 */
final class FleetProgress implements Consumer<FleetEvent> {

    enum Mode { NONE, LINES, LIVE }

    /** Live lines are cut to this width so that none wraps (a wrapped line breaks the redraw). */
    private static final int LIVE_WIDTH = 79;
    private static final Duration TICK = Duration.ofSeconds(1);

    private final Mode mode;
    private final PrintWriter out;
    /** Per VM, in member order: the last status line, and when its launch began. */
    private final Map<String, String> status = new LinkedHashMap<>();
    private final Map<String, Instant> launched = new LinkedHashMap<>();
    private boolean live;
    private int drawn;
    private Disposable ticker;
    private Instant stopping;

    private FleetProgress(Mode mode, PrintWriter out, List<String> vmNames) {
        this.mode = mode;
        this.out = out;
        vmNames.forEach(n -> status.put(n, n + ": waiting"));
        this.live = mode == Mode.LIVE;
    }

    static FleetProgress of(Mode mode, PrintWriter out, List<String> vmNames) {
        return new FleetProgress(mode, out, vmNames);
    }

    /** LIVE when stdout is a terminal (and TERM is not dumb), else LINES; NONE for {@code --json}. */
    static Mode modeFor(boolean json) {
        if (json) {
            return Mode.NONE;
        }
        String term = System.getenv("TERM");
        boolean terminal = System.console() != null && term != null && !term.isBlank() && !term.equals("dumb");
        return terminal ? Mode.LIVE : Mode.LINES;
    }

    /** Live mode: draws the block and keeps the elapsed times ticking until {@link #endBlock()}. */
    synchronized void start() {
        if (live) {
            redraw();
            ticker = Flux.interval(TICK, TICK).subscribe(t -> tick());
        }
    }

    @Override
    public synchronized void accept(FleetEvent e) {
        if (mode == Mode.NONE) {
            return;
        }
        String vm = e.vmName();
        String what = switch (e.type()) {
            case LAUNCHED -> {
                launched.put(vm, e.at());
                yield "launched";
            }
            case QMP_CONNECTED -> "qmp connected";
            case READY -> launched.containsKey(vm)
                    ? "ready in " + Duration.between(launched.get(vm), e.at()).toMillis() + " ms" : "ready";
            case FAILED -> failure(vm, e.host(), e.error().orElse(null));
            case STOPPED -> stopping == null ? "stopped"
                    : "stopped in " + Math.max(0, Duration.between(stopping, e.at()).toMillis()) + " ms";
        };
        String line = vm + " on " + e.host() + ": " + what;
        if (live) {
            status.put(vm, line);
            redraw();
        } else {
            out.println(line);
            out.flush();
        }
    }

    /** From now on STOPPED lines say how long the stop took. */
    synchronized void stopping() {
        stopping = Instant.now();
    }

    /** Live mode: the block stays as last drawn; later events are printed as plain lines. */
    synchronized void endBlock() {
        if (ticker != null) {
            ticker.dispose();
            ticker = null;
        }
        if (live) {
            redraw();
            live = false;
        }
    }

    private synchronized void tick() {
        if (live) {
            redraw();
        }
    }

    private void redraw() {
        StringBuilder b = new StringBuilder();
        if (drawn > 0) {
            b.append("\033[").append(drawn).append('A');
        }
        Instant now = Instant.now();
        for (Map.Entry<String, String> s : status.entrySet()) {
            String text = s.getValue();
            boolean booting = launched.containsKey(s.getKey()) && !text.contains(": ready") && !text.contains(": FAILED")
                    && !text.contains(": cancelled") && !text.contains(": stopped");
            if (booting) {
                text += " (" + Duration.between(launched.get(s.getKey()), now).toSeconds() + " s)";
            }
            if (text.length() > LIVE_WIDTH) {
                text = text.substring(0, LIVE_WIDTH - 1) + "…";
            }
            b.append("\r\033[2K").append(text).append('\n');
        }
        drawn = status.size();
        out.print(b);
        out.flush();
    }

    /** A FAILED event's text: {@code FAILED: why}, or {@code cancelled: why} for a boot the fleet called off. */
    private static String failure(String vm, String host, Throwable error) {
        if (error == null) {
            return "FAILED";
        }
        Throwable cause = FailureText.unwrap(error);
        String why = FailureText.withoutName(vm, host, FailureText.oneLine(cause));
        if (cause instanceof CancellationException) {
            return "cancelled: " + why;
        }
        return "FAILED: " + why + FailureText.consoleSuffix(error);
    }
}
