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

    /** Connects to the agent's socket, retrying while it does not exist yet or refuses. */
    static Mono<QgaClient> connect(PeerAddress address, QmpConnectOptions options) {
        return ReactorNettyQgaClient.connect(address, options);
    }

    /** {@link #connect(PeerAddress, QmpConnectOptions)} with {@link QmpConnectOptions#defaults()}. */
    static Mono<QgaClient> connect(PeerAddress address) {
        return connect(address, QmpConnectOptions.defaults());
    }

    /** The socket this client talks to. */
    PeerAddress address();

    /** Runs a command; {@code arguments} (an object) may be null. Emits the raw {@code return} value. */
    Mono<JsonNode> execute(String command, JsonNode arguments);

    /**
     * Runs a typed command; emits its decoded result, or completes empty for {@code Void}.
     * Commands that send no reply on success complete when written.
     */
    <T> Mono<T> execute(QmpCommand<T> command);

    /** Resynchronises now (queued like a command). */
    Mono<Void> sync();

    /**
     * Waits until the agent answers: resync + {@code guest-ping}, retried with backoff while
     * attempts time out, failing with {@code QmpTimeoutException} after {@code timeout}.
     * The replacement for "flush, then ping every 5 s, 12 times".
     */
    Mono<Void> awaitReady(Duration timeout);

    /** {@code guest-ping}. */
    default Mono<Void> ping() {
        return execute(QgaCommands.ping());
    }

    /** {@code guest-info}. */
    default Mono<GuestInfo> info() {
        return execute(QgaCommands.info());
    }

    /** {@code guest-network-get-interfaces}. */
    default Mono<List<GuestNetworkInterface>> networkInterfaces() {
        return execute(QgaCommands.networkInterfaces());
    }

    /** {@code guest-shutdown}; completes when written (the agent does not answer on success). */
    default Mono<Void> shutdown(ShutdownMode mode) {
        return execute(QgaCommands.shutdown(mode));
    }

    /**
     * Runs a program in the guest ({@code guest-exec} with captured output), then polls
     * {@code guest-exec-status} with backoff until it exits; emits its exit code and decoded
     * output. Bounded by the options' exec timeout.
     */
    Mono<ExecResult> exec(String path, List<String> args);

    /** {@link #exec(String, List)} with varargs. */
    default Mono<ExecResult> exec(String path, String... args) {
        return exec(path, List.of(args));
    }

    /** True until the connection closed. */
    boolean isOpen();

    /** Completes when closed by {@link #close()}; errors with the reason when it closed otherwise. */
    Mono<Void> onClose();

    /** Closes the connection; the command in flight and the queued ones fail. Idempotent. */
    Mono<Void> close();
}
