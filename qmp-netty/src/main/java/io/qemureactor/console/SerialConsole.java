package io.qemureactor.console;

import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A guest's serial console read from a QEMU socket chardev
 * ({@code -chardev socket,id=console,path=…,server=on,wait=off -serial chardev:console}),
 * line by line as bytes arrive: no file polling.
 *
 * <p>{@link #lines()} replays the last {@link #HISTORY} lines to each new subscriber and then
 * follows live, so a boot probe that subscribes a little after the guest printed its marker
 * still sees it; it completes when QEMU closes the socket (the VM ended), and errors with a
 * {@code QmpConnectionClosedException} naming the socket when the connection fails (an I/O error
 * such as a reset), like the QMP and QGA clients. A line longer than 16 KiB is skipped (a
 * warning is logged) and the console goes on. Lines are emitted on the connection's I/O
 * thread: do not block in a subscriber.
 */
public interface SerialConsole {

    /** How many past lines a new subscriber of {@link #lines()} receives. */
    int HISTORY = 500;

    /**
     * Connects to the console's socket, retrying while it does not exist yet or refuses.
     *
     * @param address the chardev's socket
     * @param resources the event loops to run on
     * @param policy retries, timeout and liveness check for connecting
     * @return the console, reading from the moment it connected; fails with
     *     {@code QmpTimeoutException} or {@code QmpConnectException} as the QMP client's connect does
     */
    static Mono<SerialConsole> connect(PeerAddress address, QmpResources resources, ConnectPolicy policy) {
        return NettySerialConsole.connect(address, resources, policy);
    }

    /**
     * The console's socket, as named in errors.
     *
     * @return the address given to {@code connect}
     */
    PeerAddress address();

    /**
     * The guest's output, line by line.
     *
     * @return lines without their line ending (LF or CRLF); hot, replaying the last
     *     {@link #HISTORY} lines to each subscriber; completes at EOF, errors on an I/O error
     */
    Flux<String> lines();

    /**
     * The last lines seen so far, for error messages and test reports.
     *
     * @param n how many at most
     * @return a snapshot, oldest first
     */
    List<String> tail(int n);

    /**
     * Writes text to the guest's console (for example a newline to wake a prompt), as UTF-8.
     *
     * @param text what to send, line endings included
     * @return completes when written; fails with {@code QmpConnectionClosedException} if the
     *     console is closed
     */
    Mono<Void> write(String text);

    /**
     * The end of the connection.
     *
     * @return completes when it closed normally (QEMU closed the socket, or {@link #close()});
     *     errors with {@code QmpConnectionClosedException} when an I/O error ended it
     */
    Mono<Void> onClose();

    /**
     * Closes the connection. Idempotent.
     *
     * @return completes when the socket is closed
     */
    Mono<Void> close();
}
