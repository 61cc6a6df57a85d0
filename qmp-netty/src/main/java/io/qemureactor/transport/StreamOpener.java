package io.qemureactor.transport;

import java.io.OutputStream;
import reactor.core.publisher.Mono;

/**
 * Opens a byte stream to a peer that is not a socket this JVM can connect to, e.g. an SSH
 * channel to a unix socket on a remote host (OpenSSH's {@code direct-streamlocal}), so that a
 * client can run on it without a local port forward: no listening socket, no loopback TCP hop
 * and no thread per connection in between. See {@link PeerAddress#stream(String, StreamOpener)}.
 *
 * <p>The opener is called once per connection attempt, on a thread that may block (Reactor's
 * bounded elastic scheduler), never on an event loop.
 */
@FunctionalInterface
public interface StreamOpener {

    /**
     * Opens one stream.
     *
     * @param fromPeer where the opener writes the bytes the peer sends, in order, from any one
     *     thread at a time, as they arrive (each write is handed to the client's event loop at
     *     once and never blocks); closing it says the peer ended the stream
     * @return once the stream is open: where the client's bytes go to the peer (each write is
     *     followed by a flush; both are called off the event loops and may block briefly);
     *     closing it closes the whole stream. Fails if the peer cannot be reached.
     */
    Mono<OutputStream> open(OutputStream fromPeer);
}
