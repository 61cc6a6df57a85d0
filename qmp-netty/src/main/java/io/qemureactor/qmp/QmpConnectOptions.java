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
 * How a {@link QmpClient} connects and behaves. Immutable; each {@code withX} returns a copy.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>resources</td><td>{@link QmpResources#shared()}</td></tr>
 *   <tr><td>connect</td><td>{@link ConnectPolicy#defaults()}: 30 s total, backoff 10 ms to 500 ms, no liveness check</td></tr>
 *   <tr><td>commandTimeout</td><td>30 s</td></tr>
 *   <tr><td>maxMessageBytes</td><td>10 MiB</td></tr>
 *   <tr><td>oob</td><td>false (enable out-of-band execution when the server offers it)</td></tr>
 *   <tr><td>eventBufferSize</td><td>1024 events per subscriber, oldest dropped on overflow</td></tr>
 *   <tr><td>eventScheduler</td><td>{@code Schedulers.boundedElastic()}</td></tr>
 * </table>
 */
public final class QmpConnectOptions {

    /** Ten MiB, the limit other QMP clients use for one message. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

    private static final QmpConnectOptions DEFAULTS = new QmpConnectOptions(null, ConnectPolicy.defaults(),
            Duration.ofSeconds(30), DEFAULT_MAX_MESSAGE_BYTES, false, 1024, null);

    private final QmpResources resources;
    private final ConnectPolicy connectPolicy;
    private final Duration commandTimeout;
    private final int maxMessageBytes;
    private final boolean oob;
    private final int eventBufferSize;
    private final Scheduler eventScheduler;

    private QmpConnectOptions(QmpResources resources, ConnectPolicy connectPolicy, Duration commandTimeout,
            int maxMessageBytes, boolean oob, int eventBufferSize, Scheduler eventScheduler) {
        this.resources = resources;
        this.connectPolicy = connectPolicy;
        this.commandTimeout = commandTimeout;
        this.maxMessageBytes = maxMessageBytes;
        this.oob = oob;
        this.eventBufferSize = eventBufferSize;
        this.eventScheduler = eventScheduler;
    }

    /** The defaults listed above. */
    public static QmpConnectOptions defaults() {
        return DEFAULTS;
    }

    /** Event loops to run on; the caller keeps ownership and disposes them. */
    public QmpConnectOptions withResources(QmpResources resources) {
        return new QmpConnectOptions(Objects.requireNonNull(resources, "resources"), connectPolicy, commandTimeout,
                maxMessageBytes, oob, eventBufferSize, eventScheduler);
    }

    /** The whole connect policy at once. */
    public QmpConnectOptions withConnectPolicy(ConnectPolicy policy) {
        return new QmpConnectOptions(resources, Objects.requireNonNull(policy, "policy"), commandTimeout,
                maxMessageBytes, oob, eventBufferSize, eventScheduler);
    }

    /** Total time for connecting (all retries and the handshake). */
    public QmpConnectOptions withConnectTimeout(Duration timeout) {
        return withConnectPolicy(connectPolicy.withTimeout(timeout));
    }

    /** Delay between connect attempts. */
    public QmpConnectOptions withConnectBackoff(Backoff backoff) {
        return withConnectPolicy(connectPolicy.withBackoff(backoff));
    }

    /** Asked after each failed connect attempt; "dead" fails the connect at once. */
    public QmpConnectOptions withLiveness(PeerLiveness liveness) {
        return withConnectPolicy(connectPolicy.withLiveness(liveness));
    }

    /** Default reply timeout of a command (a {@link QmpCommand} may carry its own). */
    public QmpConnectOptions withCommandTimeout(Duration timeout) {
        return new QmpConnectOptions(resources, connectPolicy, Objects.requireNonNull(timeout, "timeout"),
                maxMessageBytes, oob, eventBufferSize, eventScheduler);
    }

    /** Largest message accepted; a larger one is a protocol error that closes the connection. */
    public QmpConnectOptions withMaxMessageBytes(int maxMessageBytes) {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive");
        }
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler);
    }

    /** Ask for out-of-band execution; it is enabled only if the greeting offers {@code oob}. */
    public QmpConnectOptions withOob(boolean oob) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, eventScheduler);
    }

    /** Events buffered per subscriber of {@link QmpClient#events()} before the oldest are dropped. */
    public QmpConnectOptions withEventBufferSize(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("eventBufferSize must be positive");
        }
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob, size,
                eventScheduler);
    }

    /** Where {@link QmpClient#events()} subscribers receive events (never the I/O thread). */
    public QmpConnectOptions withEventScheduler(Scheduler scheduler) {
        return new QmpConnectOptions(resources, connectPolicy, commandTimeout, maxMessageBytes, oob,
                eventBufferSize, Objects.requireNonNull(scheduler, "scheduler"));
    }

    public QmpResources resources() {
        return resources != null ? resources : QmpResources.shared();
    }

    public ConnectPolicy connectPolicy() {
        return connectPolicy;
    }

    public Duration commandTimeout() {
        return commandTimeout;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public boolean oob() {
        return oob;
    }

    public int eventBufferSize() {
        return eventBufferSize;
    }

    public Scheduler eventScheduler() {
        return eventScheduler != null ? eventScheduler : Schedulers.boundedElastic();
    }
}
