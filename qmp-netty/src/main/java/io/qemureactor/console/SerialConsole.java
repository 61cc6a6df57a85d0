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
 * still sees it; it completes when QEMU closes the socket (the VM ended).
 */
public interface SerialConsole {

    /** How many past lines a new subscriber of {@link #lines()} receives. */
    int HISTORY = 500;

    static Mono<SerialConsole> connect(PeerAddress address, QmpResources resources, ConnectPolicy policy) {
        return NettySerialConsole.connect(address, resources, policy);
    }

    PeerAddress address();

    /** Console lines without their line ending; hot, replaying recent history; completes at EOF. */
    Flux<String> lines();

    /** The last {@code n} lines seen so far (for error messages). */
    List<String> tail(int n);

    /** Writes text to the guest's console (for example a newline to wake a prompt). */
    Mono<Void> write(String text);

    /** Completes when the connection is closed, by either side. */
    Mono<Void> onClose();

    /** Closes the connection; idempotent. */
    Mono<Void> close();
}
