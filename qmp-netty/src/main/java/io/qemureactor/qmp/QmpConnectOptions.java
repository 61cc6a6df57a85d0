package io.qemureactor.qmp;

import io.qemureactor.transport.Backoff;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerLiveness;
import io.qemureactor.transport.QmpResources;
import java.time.Duration;
import java.util.Objects;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * How a connection of the QMP family connects and behaves: the options of {@link QmpClient},
 * of {@link io.qemureactor.qga.QgaClient} (QEMU's guest agent speaks the same wire protocol)
 * and the settings both share. Each client reads the options that apply to it and ignores the
 * rest (marked "QMP only" or "QGA only" below).
 *
 * <p>Immutable and thread-safe; start from {@link #defaults()} and change what you need with the
 * {@code withX} copies, which check their argument and throw {@link IllegalArgumentException} (or
 * {@link NullPointerException}) on a bad one.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>resources</td><td>{@link QmpResources#shared()}</td></tr>
 *   <tr><td>connectPolicy</td><td>{@link ConnectPolicy#defaults()}: 30 s total, backoff 10 ms to 500 ms, no liveness check</td></tr>
 *   <tr><td>commandTimeout</td><td>30 s</td></tr>
 *   <tr><td>maxMessageBytes</td><td>10 MiB</td></tr>
 *   <tr><td>oob</td><td>false (QMP only: enable out-of-band execution when the server offers it)</td></tr>
 *   <tr><td>eventBufferSize</td><td>1024 events per subscriber, oldest dropped on overflow (QMP only)</td></tr>
 *   <tr><td>eventScheduler</td><td>{@code Schedulers.boundedElastic()} (QMP only)</td></tr>
 *   <tr><td>syncTimeout</td><td>5 s for one resynchronisation (QGA only)</td></tr>
 *   <tr><td>pollBackoff</td><td>10 ms doubling to 1 s: guest-exec-status polls, awaitReady retries (QGA only)</td></tr>
 *   <tr><td>execTimeout</td><td>5 min for a guest program to finish (QGA only)</td></tr>
 *   <tr><td>wireTrace</td><td>false: no frame is logged</td></tr>
 * </table>
 *
 * @param resources event loops and timer to run on; null for {@link QmpResources#shared()} (the
 *     accessor never returns null)
 * @param connectPolicy how to reach a socket that may not exist yet: retries, timeout, liveness
 * @param commandTimeout default time for one command's reply (a {@link QmpCommand} may carry its own)
 * @param maxMessageBytes largest message accepted; QMP closes the connection on a larger one, QGA
 *     fails the command and resynchronises
 * @param oob QMP only: ask for out-of-band execution, enabled only if the greeting offers it
 * @param eventBufferSize QMP only: events buffered per subscriber of {@link QmpClient#events()}
 * @param eventScheduler QMP only: where event subscribers receive events; null for
 *     {@code Schedulers.boundedElastic()} (the accessor never returns null)
 * @param syncTimeout QGA only: time for one {@code guest-sync-delimited} to be answered
 * @param pollBackoff QGA only: delay between {@code guest-exec-status} polls and between
 *     {@code awaitReady} attempts
 * @param execTimeout QGA only: time a guest program run by {@code exec} may take
 * @param wireTrace log every frame sent and received at DEBUG on the logger
 *     {@value #WIRE_TRACE_LOGGER}
 */
public record QmpConnectOptions(QmpResources resources, ConnectPolicy connectPolicy, Duration commandTimeout,
        int maxMessageBytes, boolean oob, int eventBufferSize, Scheduler eventScheduler, Duration syncTimeout,
        Backoff pollBackoff, Duration execTimeout, boolean wireTrace) {

    /** Ten MiB, the limit other QMP clients use for one message. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

    /**
     * The SLF4J logger of the wire trace ({@link #withWireTrace(boolean)}): one DEBUG line per
     * frame, {@code PEER -> FRAME} for what the client sent and {@code PEER <- FRAME} for what it
     * received. Set this logger to DEBUG in the logging backend to see them.
     */
    public static final String WIRE_TRACE_LOGGER = "io.qemureactor.wire";

    private static final QmpConnectOptions DEFAULTS = new QmpConnectOptions(null, ConnectPolicy.defaults(),
            Duration.ofSeconds(30), DEFAULT_MAX_MESSAGE_BYTES, false, 1024, null, Duration.ofSeconds(5),
            Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)), Duration.ofMinutes(5), false);

    /**
     * Checks every option; prefer {@link #defaults()} and the {@code withX} copies to calling this.
     *
     * @param resources event loops and timer, or null for the shared ones
     * @param connectPolicy how to reach the socket
     * @param commandTimeout default reply timeout
     * @param maxMessageBytes largest message accepted
     * @param oob QMP: ask for out-of-band execution
     * @param eventBufferSize QMP: events buffered per subscriber
     * @param eventScheduler QMP: where subscribers receive events, or null for the default
     * @param syncTimeout QGA: time for one resynchronisation
     * @param pollBackoff QGA: delay between polls and awaitReady attempts
     * @param execTimeout QGA: time for a guest program
     * @param wireTrace log every frame
     * @throws NullPointerException if a required option is null
     * @throws IllegalArgumentException if {@code maxMessageBytes} or {@code eventBufferSize} is not positive
     */
    public QmpConnectOptions {
        Objects.requireNonNull(connectPolicy, "connectPolicy");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(syncTimeout, "syncTimeout");
        Objects.requireNonNull(pollBackoff, "pollBackoff");
        Objects.requireNonNull(execTimeout, "execTimeout");
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
        if (eventBufferSize <= 0) {
            throw new IllegalArgumentException("eventBufferSize must be positive: " + eventBufferSize);
        }
    }

    /**
     * The defaults listed above.
     *
     * @return the shared default options
     */
    public static QmpConnectOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Event loops and timer to run on; the caller keeps ownership and disposes them after the
     * clients closed.
     *
     * @param resources the resources
     * @return the copy
     */
    public QmpConnectOptions withResources(QmpResources resources) {
        return new QmpConnectOptions(Objects.requireNonNull(resources, "resources"), connectPolicy, commandTimeout,
                maxMessageBytes, oob, eventBufferSize, eventScheduler, syncTimeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * The whole connect policy at once.
     *
     * @param policy retries, total timeout, liveness check
     * @return the copy
     */
    public QmpConnectOptions withConnectPolicy(ConnectPolicy policy) {
        return new QmpConnectOptions(resources, Objects.requireNonNull(policy, "policy"), commandTimeout,
                maxMessageBytes, oob, eventBufferSize, eventScheduler, syncTimeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * Total time for connecting: all retries and, for QMP, the greeting and negotiation (for the
     * guest agent to answer, see {@link io.qemureactor.qga.QgaClient#awaitReady}).
     *
     * @param timeout the total time
     * @return the copy
     */
    public QmpConnectOptions withConnectTimeout(Duration timeout) {
        return withConnectPolicy(connectPolicy.withTimeout(timeout));
    }

    /**
     * Delay between connect attempts.
     *
     * @param backoff the delays
     * @return the copy
     */
    public QmpConnectOptions withConnectBackoff(Backoff backoff) {
        return withConnectPolicy(connectPolicy.withBackoff(backoff));
    }

    /**
     * Asked after each failed connect attempt; "dead" fails the connect at once.
     *
     * @param liveness the check, e.g. {@link PeerLiveness#ofProcess(ProcessHandle)} of the QEMU
     * @return the copy
     */
    public QmpConnectOptions withLiveness(PeerLiveness liveness) {
        return withConnectPolicy(connectPolicy.withLiveness(liveness));
    }

    /**
     * Default reply timeout of a command, counted from when it is sent (for QGA: once it is the
     * command in flight).
     *
     * @param timeout the timeout
     * @return the copy
     */
    public QmpConnectOptions withCommandTimeout(Duration timeout) {
        return new QmpConnectOptions(resources, connectPolicy, Objects.requireNonNull(timeout, "timeout"),
                maxMessageBytes, oob, eventBufferSize, eventScheduler, syncTimeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * Largest message accepted.
     *
     * @param maxMessageBytes a positive number of bytes
     * @return the copy
     */
    public QmpConnectOptions withMaxMessageBytes(int maxMessageBytes) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler, syncTimeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * QMP only: ask for out-of-band execution; it is enabled only if the greeting offers {@code oob}.
     *
     * @param oob whether to ask
     * @return the copy
     */
    public QmpConnectOptions withOob(boolean oob) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler, syncTimeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * QMP only: events buffered per subscriber of {@link QmpClient#events()} before the oldest are dropped.
     *
     * @param size a positive number of events
     * @return the copy
     */
    public QmpConnectOptions withEventBufferSize(int size) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob, size,
                eventScheduler, syncTimeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * QMP only: where {@link QmpClient#events()} subscribers receive events (never the I/O thread).
     *
     * @param scheduler the scheduler; the caller keeps owning it
     * @return the copy
     */
    public QmpConnectOptions withEventScheduler(Scheduler scheduler) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, Objects.requireNonNull(scheduler, "scheduler"), syncTimeout, pollBackoff, execTimeout,
                wireTrace);
    }

    /**
     * QGA only: time for one resynchronisation ({@code guest-sync-delimited}) to be answered.
     *
     * @param timeout the timeout
     * @return the copy
     */
    public QmpConnectOptions withSyncTimeout(Duration timeout) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler, timeout, pollBackoff, execTimeout, wireTrace);
    }

    /**
     * QGA only: delay between {@code guest-exec-status} polls and between
     * {@link io.qemureactor.qga.QgaClient#awaitReady} attempts.
     *
     * @param backoff the delays
     * @return the copy
     */
    public QmpConnectOptions withPollBackoff(Backoff backoff) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler, syncTimeout, backoff, execTimeout, wireTrace);
    }

    /**
     * QGA only: time a guest program run by {@link io.qemureactor.qga.QgaClient#exec} may take.
     *
     * @param timeout the timeout
     * @return the copy
     */
    public QmpConnectOptions withExecTimeout(Duration timeout) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler, syncTimeout, pollBackoff, timeout, wireTrace);
    }

    /**
     * Logs every frame sent and received at DEBUG on the logger {@value #WIRE_TRACE_LOGGER}, one
     * line each, as the JSON text on the wire (QGA's 0xFF sync byte as {@code <0xFF>}). For
     * debugging a conversation with QEMU or an agent; off by default, and costs nothing when off
     * (no handler is installed). A trace shows whatever the peer and the client exchange,
     * guest-exec output and file contents included.
     *
     * @param trace whether to trace
     * @return the copy
     */
    public QmpConnectOptions withWireTrace(boolean trace) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler, syncTimeout, pollBackoff, execTimeout, trace);
    }

    /**
     * The resources connections run on.
     *
     * @return the ones given, else {@link QmpResources#shared()} (created on first use)
     */
    @Override
    public QmpResources resources() {
        return resources != null ? resources : QmpResources.shared();
    }

    /**
     * Where event subscribers receive events (QMP only).
     *
     * @return the scheduler given, else {@code Schedulers.boundedElastic()}
     */
    @Override
    public Scheduler eventScheduler() {
        return eventScheduler != null ? eventScheduler : Schedulers.boundedElastic();
    }
}
