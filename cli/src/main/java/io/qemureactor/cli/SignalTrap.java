package io.qemureactor.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C, SIGTERM and SIGHUP delivered to a callback instead of stopping the JVM, for as long as a command
 * runs; the JVM's own handlers come back on {@link #close()}. The callback runs on the JVM's signal
 * dispatcher (no thread of ours) and must not block: {@link CommandEdge} only cancels there and lets the
 * main thread wait. A JVM shutdown hook would need a {@code Thread} of its own and run while the JVM is
 * already exiting; this keeps the teardown on the one waiting edge.
 */
final class SignalTrap implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SignalTrap.class);
    private static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

    private final List<Signal> trapped = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private SignalTrap() {
    }

    /** Routes the signals to {@code onSignal}, which gets the signal's number (2 for SIGINT, 15 for SIGTERM). */
    static SignalTrap on(IntConsumer onSignal) {
        SignalTrap trap = new SignalTrap();
        for (String name : SIGNALS) {
            Signal signal = new Signal(name);
            try {
                trap.previous.add(Signal.handle(signal, s -> onSignal.accept(s.getNumber())));
                trap.trapped.add(signal);
            } catch (IllegalArgumentException inUse) {
                // the JVM keeps this one (e.g. under -Xrs): its default applies, the hosts' reapers clean up
                log.debug("cannot trap SIG{}: {}", name, inUse.getMessage());
            }
        }
        return trap;
    }

    @Override
    public void close() {
        for (int i = 0; i < trapped.size(); i++) {
            Signal.handle(trapped.get(i), previous.get(i));
        }
    }
}
