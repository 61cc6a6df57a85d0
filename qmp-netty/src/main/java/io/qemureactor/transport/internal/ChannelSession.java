package io.qemureactor.transport.internal;

import io.netty.channel.Channel;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpException;
import io.qemureactor.exceptions.QmpExceptions;
import io.qemureactor.transport.PeerAddress;
import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The connection state that the QMP client, the guest-agent client and the serial console
 * share: the channel, the close signal, why the connection ended (a fatal protocol error, else
 * the I/O error that took it down) and whether its end was asked for. Each of them composes one
 * and keeps only its protocol's own state.
 *
 * <p>How the end is reported ({@link #ended()}): a fatal protocol error fails {@link #onClose()}
 * with that error; an end that was asked for ({@link #close()}, or {@link #expectEnd()} before
 * QMP's {@code quit}) completes it; anything else fails it with a
 * {@link QmpConnectionClosedException} naming the peer and the I/O cause. A stream whose EOF is
 * its normal end (a serial console: the VM ended) is created with {@code eofIsNormal}, and then
 * only an I/O error fails it.
 *
 * <p>Public because the three clients live in three API packages; the module does not export
 * this package. Thread-safe: the failure and end callbacks come on the channel's event loop,
 * {@link #close()} and the queries from any thread.
 */
public final class ChannelSession {

    private static final Logger log = LoggerFactory.getLogger(ChannelSession.class);

    private final Channel channel;
    private final PeerAddress address;
    private final boolean eofIsNormal;
    private final Sinks.Empty<Void> closeSink = Sinks.empty();

    /** Set by close() and by commands such as quit: the EOF that follows is the normal end. */
    private volatile boolean endExpected;
    /** The first fatal protocol error; reported instead of a plain "closed". */
    private volatile QmpException failure;
    /** The I/O error that took the connection down, if any (the cause of the "closed" errors). */
    private volatile Throwable ioCause;
    private volatile boolean ended;

    /**
     * @param channel the connection
     * @param address the peer, named in every error
     * @param eofIsNormal true when the peer closing the stream is its normal end (a console)
     */
    public ChannelSession(Channel channel, PeerAddress address, boolean eofIsNormal) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.address = Objects.requireNonNull(address, "address");
        this.eofIsNormal = eofIsNormal;
    }

    /** The connection. */
    public Channel channel() {
        return channel;
    }

    /** The peer. */
    public PeerAddress address() {
        return address;
    }

    /** True until the connection closed. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * True once the connection went down (also while its end is being handled, before
     * {@link #ended()} ran): nothing more can be sent or received.
     */
    public boolean hasEnded() {
        return ended || !channel.isActive();
    }

    /** Completes when the connection ended normally, errors with the reason otherwise. */
    public Mono<Void> onClose() {
        return closeSink.asMono();
    }

    /** Closes the connection as a normal end; completes when it is closed. Idempotent. */
    public Mono<Void> close() {
        return Mono.defer(() -> {
            endExpected = true;
            channel.close();
            return closeSink.asMono().onErrorResume(e -> Mono.empty());
        });
    }

    /** The next EOF is the normal end of the session (sent {@code quit}). */
    public void expectEnd() {
        endExpected = true;
    }

    /** The fatal protocol error that ended (or is ending) the session, or null. */
    public QmpException failure() {
        return failure;
    }

    /** Records a fatal protocol error (the first one wins), logs it and closes the connection. */
    public void failProtocol(QmpException error) {
        if (failure == null) {
            failure = error;
        }
        log.warn(error.getMessage());
        channel.close();
    }

    /** Records the I/O (or unexpected) error that ends the connection, logs it and closes. */
    public void failIo(Throwable cause) {
        ioCause = cause;
        if (cause instanceof IOException) {
            log.debug("{}: I/O error: {}", address, cause.toString());
        } else {
            log.warn("{}: unexpected error, closing", address, cause);
        }
        channel.close();
    }

    /** Why the session can take no more: its protocol error, else "closed while {@code what}". */
    public QmpException endError(String what) {
        QmpException protocolError = failure;
        return protocolError != null ? protocolError : closedError(what);
    }

    /** "Connection to PEER closed while {@code what}" (no "while" for null), with the I/O cause. */
    public QmpConnectionClosedException closedError(String what) {
        return QmpExceptions.closed(address.toString(), what, ioCause);
    }

    /**
     * The connection closed (call once, on the event loop, after failing what was pending):
     * signals {@link #onClose()} as described in the class comment.
     *
     * @return the error the session ended with, or null for a normal end
     */
    public QmpException ended() {
        ended = true;
        QmpException error = failure;
        if (error == null && !endExpected && (!eofIsNormal || ioCause != null)) {
            error = closedError(null);
        }
        if (error == null) {
            log.debug("{}: session closed", address);
            closeSink.tryEmitEmpty();
        } else {
            log.debug("{}: connection closed: {}", address, error.getMessage());
            closeSink.tryEmitError(error);
        }
        return error;
    }
}
