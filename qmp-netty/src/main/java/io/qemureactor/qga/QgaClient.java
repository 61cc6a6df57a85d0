package io.qemureactor.qga;

import com.fasterxml.jackson.databind.JsonNode;
import io.qemureactor.qmp.QmpCommand;
import io.qemureactor.qmp.QmpConnectOptions;
import io.qemureactor.transport.PeerAddress;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * One connection to a QEMU guest agent (the VM's {@code org.qemu.guest_agent.0} chardev
 * socket, or a qemu-ga listening on a unix socket).
 *
 * <p>The agent answers without ids, so commands run one at a time; the rest wait in order
 * (thread-safe, any number of callers). Before the first command, and after any timeout,
 * cancel or garbled input, the client resynchronises: it writes 0xFF and
 * {@code guest-sync-delimited} with a random id, discards everything up to the agent's 0xFF
 * and ignores replies until one returns that id. Stale bytes from an earlier client or
 * from replies that came too late are discarded that way.
 *
 * <p>Connecting does not wait for the agent (a VM's socket exists long before its agent
 * runs): use {@link #awaitReady(Duration)} for that. Every {@code Mono} is lazy, and reply
 * signals arrive on the I/O thread. Errors are {@link io.qemureactor.exceptions.QmpException}s,
 * as for QMP.
 */
public interface QgaClient {

    /**
     * Connects to the agent's socket, retrying while it does not exist yet or refuses (bounded
     * by the options' connect policy). Does not wait for the agent itself: see
     * {@link #awaitReady(Duration)}.
     *
     * @param address the agent's socket (a VM's {@code org.qemu.guest_agent.0} chardev, or a
     *     host qemu-ga's {@code unix-listen} socket)
     * @param options the options shared with QMP; the QGA ones are {@code syncTimeout},
     *     {@code pollBackoff} and {@code execTimeout}
     * @return the connected client; fails with {@code QmpTimeoutException} or
     *     {@code QmpConnectException} as {@link io.qemureactor.qmp.QmpClient#connect} does
     */
    static Mono<QgaClient> connect(PeerAddress address, QmpConnectOptions options) {
        return ReactorNettyQgaClient.connect(address, options);
    }

    /**
     * {@link #connect(PeerAddress, QmpConnectOptions)} with {@link QmpConnectOptions#defaults()}.
     *
     * @param address the agent's socket
     * @return the connected client
     */
    static Mono<QgaClient> connect(PeerAddress address) {
        return connect(address, QmpConnectOptions.defaults());
    }

    /**
     * The socket this client talks to, as named in its errors and logs.
     *
     * @return the address given to {@code connect}
     */
    PeerAddress address();

    /**
     * Runs a command, after the commands before it and a resynchronisation if one is due.
     *
     * @param command the command name, e.g. {@code guest-get-time}
     * @param arguments the {@code arguments} object, or null for none
     * @return the raw {@code return} value; fails with {@code QmpCommandException} when the
     *     agent answers with an error, {@code QmpTimeoutException} when no reply came within the
     *     command timeout (the next command resynchronises), {@code QmpProtocolException} on
     *     garbled input, {@code QmpConnectionClosedException} when the connection closed
     */
    Mono<JsonNode> execute(String command, JsonNode arguments);

    /**
     * Runs a typed command (the same {@link QmpCommand} type QMP uses; {@link QgaCommands} has
     * the agent's). A command with {@link QmpCommand.Reply#ONLY_ON_ERROR} completes when written;
     * one with {@link QmpCommand.Reply#OR_CLOSE} also completes if the agent closes the
     * connection instead of answering.
     *
     * @param command the command, with its decoder and optional own timeout
     * @param <T> the decoded result type
     * @return the decoded result, or empty for {@code Void}; errors as {@link #execute(String, JsonNode)}
     */
    <T> Mono<T> execute(QmpCommand<T> command);

    /**
     * Resynchronises now (queued like a command): 0xFF, {@code guest-sync-delimited} with a random
     * id, input discarded up to the agent's 0xFF and until the reply with that id.
     *
     * @return completes when in sync; fails with {@code QmpTimeoutException} after the sync timeout
     */
    Mono<Void> sync();

    /**
     * Waits until the agent answers: a resync resent every 50 ms until one is answered (what is
     * written before qemu-ga opens its port is lost), then an exact resync and {@code guest-ping},
     * all retried with the poll backoff while attempts time out. The replacement for "flush,
     * then ping every 5 s, 12 times".
     *
     * @param timeout the whole wait
     * @return completes when the agent answered; fails with {@code QmpTimeoutException} naming
     *     the socket and the last error after {@code timeout}
     */
    Mono<Void> awaitReady(Duration timeout);

    /**
     * {@code guest-ping}.
     *
     * @return completes when the agent answered
     */
    default Mono<Void> ping() {
        return execute(QgaCommands.ping());
    }

    /**
     * {@code guest-info}.
     *
     * @return the agent's version and the commands it supports
     */
    default Mono<GuestInfo> info() {
        return execute(QgaCommands.info());
    }

    /**
     * {@code guest-network-get-interfaces}: how the guest names its NICs, their MACs and addresses.
     *
     * @return the guest's interfaces
     */
    default Mono<List<GuestNetworkInterface>> networkInterfaces() {
        return execute(QgaCommands.networkInterfaces());
    }

    /**
     * {@code guest-shutdown}. The agent does not answer on success, so this completes when the
     * request is written; the guest shuts down afterwards (watch QEMU's exit or QMP events).
     *
     * @param mode power down, halt or reboot
     * @return completes when written
     */
    default Mono<Void> shutdown(ShutdownMode mode) {
        return execute(QgaCommands.shutdown(mode));
    }

    /**
     * Runs a program in the guest ({@code guest-exec} with captured output), then polls
     * {@code guest-exec-status} with the poll backoff until it exits.
     *
     * @param path the program's path in the guest (no shell: {@code /bin/sh} with {@code -c} for one)
     * @param args its arguments, passed as an argv list
     * @return its exit code and decoded output; fails with {@code QmpTimeoutException} after the
     *     options' exec timeout (the program keeps running in the guest), or with the agent's
     *     {@code QmpCommandException} (e.g. no such program)
     */
    Mono<ExecResult> exec(String path, List<String> args);

    /**
     * {@link #exec(String, List)} with varargs.
     *
     * @param path the program's path in the guest
     * @param args its arguments
     * @return its exit code and decoded output
     */
    default Mono<ExecResult> exec(String path, String... args) {
        return exec(path, List.of(args));
    }

    /**
     * Whether the connection is up.
     *
     * @return true until the connection closed
     */
    boolean isOpen();

    /**
     * The end of the connection.
     *
     * @return completes when closed by {@link #close()} (or after a command expecting
     *     {@code OR_CLOSE}); errors with {@code QmpConnectionClosedException} naming the socket when
     *     it closed otherwise
     */
    Mono<Void> onClose();

    /**
     * Closes the connection; the command in flight and the queued ones fail with
     * {@code QmpConnectionClosedException}. Idempotent.
     *
     * @return completes when the socket is closed
     */
    Mono<Void> close();
}
