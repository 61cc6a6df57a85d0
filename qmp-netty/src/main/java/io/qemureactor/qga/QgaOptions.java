package io.qemureactor.qga;

import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.Backoff;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerLiveness;
import io.qemureactor.transport.QmpResources;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link QgaClient} connects and behaves. Immutable; each {@code withX} returns a copy.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><td>resources</td><td>{@link QmpResources#shared()}</td></tr>
 *   <tr><td>connect</td><td>{@link ConnectPolicy#defaults()}</td></tr>
 *   <tr><td>commandTimeout</td><td>30 s</td></tr>
 *   <tr><td>syncTimeout</td><td>5 s for one resynchronisation</td></tr>
 *   <tr><td>maxMessageBytes</td><td>10 MiB</td></tr>
 *   <tr><td>pollBackoff</td><td>10 ms doubling to 1 s (guest-exec-status polls, awaitReady retries)</td></tr>
 *   <tr><td>execTimeout</td><td>5 min for a guest program to finish</td></tr>
 * </table>
 */
public final class QgaOptions {

    private static final QgaOptions DEFAULTS = new QgaOptions(null, ConnectPolicy.defaults(), Duration.ofSeconds(30),
            Duration.ofSeconds(5), QmpConnectOptions.DEFAULT_MAX_MESSAGE_BYTES,
            Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)), Duration.ofMinutes(5));

    private final QmpResources resources;
    private final ConnectPolicy connectPolicy;
    private final Duration commandTimeout;
    private final Duration syncTimeout;
    private final int maxMessageBytes;
    private final Backoff pollBackoff;
    private final Duration execTimeout;

    private QgaOptions(QmpResources resources, ConnectPolicy connectPolicy, Duration commandTimeout,
            Duration syncTimeout, int maxMessageBytes, Backoff pollBackoff, Duration execTimeout) {
        this.resources = resources;
        this.connectPolicy = Objects.requireNonNull(connectPolicy, "connectPolicy");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.syncTimeout = Objects.requireNonNull(syncTimeout, "syncTimeout");
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive");
        }
        this.maxMessageBytes = maxMessageBytes;
        this.pollBackoff = Objects.requireNonNull(pollBackoff, "pollBackoff");
        this.execTimeout = Objects.requireNonNull(execTimeout, "execTimeout");
    }

    /** The defaults listed above. */
    public static QgaOptions defaults() {
        return DEFAULTS;
    }

    /** Event loops to run on; the caller keeps ownership and disposes them. */
    public QgaOptions withResources(QmpResources resources) {
        return new QgaOptions(Objects.requireNonNull(resources, "resources"), connectPolicy, commandTimeout,
                syncTimeout, maxMessageBytes, pollBackoff, execTimeout);
    }

    /** The whole connect policy at once. */
    public QgaOptions withConnectPolicy(ConnectPolicy policy) {
        return new QgaOptions(resources, policy, commandTimeout, syncTimeout, maxMessageBytes, pollBackoff,
                execTimeout);
    }

    /** Total time for connecting to the socket (not for the agent to answer: see {@link QgaClient#awaitReady}). */
    public QgaOptions withConnectTimeout(Duration timeout) {
        return withConnectPolicy(connectPolicy.withTimeout(timeout));
    }

    /** Asked after each failed connect attempt; "dead" fails the connect at once. */
    public QgaOptions withLiveness(PeerLiveness liveness) {
        return withConnectPolicy(connectPolicy.withLiveness(liveness));
    }

    /** Default time for one command's reply, once it is the one in flight. */
    public QgaOptions withCommandTimeout(Duration timeout) {
        return new QgaOptions(resources, connectPolicy, timeout, syncTimeout, maxMessageBytes, pollBackoff,
                execTimeout);
    }

    /** Time for one resynchronisation ({@code guest-sync-delimited}) to be answered. */
    public QgaOptions withSyncTimeout(Duration timeout) {
        return new QgaOptions(resources, connectPolicy, commandTimeout, timeout, maxMessageBytes, pollBackoff,
                execTimeout);
    }

    /** Largest message accepted. */
    public QgaOptions withMaxMessageBytes(int maxMessageBytes) {
        return new QgaOptions(resources, connectPolicy, commandTimeout, syncTimeout, maxMessageBytes, pollBackoff,
                execTimeout);
    }

    /** Delay between {@code guest-exec-status} polls and between {@link QgaClient#awaitReady} attempts. */
    public QgaOptions withPollBackoff(Backoff backoff) {
        return new QgaOptions(resources, connectPolicy, commandTimeout, syncTimeout, maxMessageBytes, backoff,
                execTimeout);
    }

    /** Time a guest program run by {@link QgaClient#exec} may take. */
    public QgaOptions withExecTimeout(Duration timeout) {
        return new QgaOptions(resources, connectPolicy, commandTimeout, syncTimeout, maxMessageBytes, pollBackoff,
                timeout);
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

    public Duration syncTimeout() {
        return syncTimeout;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    public Backoff pollBackoff() {
        return pollBackoff;
    }

    public Duration execTimeout() {
        return execTimeout;
    }
}
