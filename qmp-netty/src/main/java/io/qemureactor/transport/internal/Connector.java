package io.qemureactor.transport.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.qemureactor.exceptions.QmpConnectException;
import io.qemureactor.exceptions.QmpConnectionClosedException;
import io.qemureactor.exceptions.QmpExceptions;
import io.qemureactor.transport.ConnectPolicy;
import io.qemureactor.transport.PeerAddress;
import io.qemureactor.transport.QmpResources;
import io.qemureactor.transport.StreamOpener;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Opens one Netty channel to a {@link PeerAddress} and turns it into a protocol session,
 * retrying while the socket does not exist yet or refuses, under a {@link ConnectPolicy}.
 *
 * <p>Plain Netty {@link Bootstrap} on the event loops of {@link QmpResources}: the session's
 * handlers are installed in the channel initializer, before the first byte can be read, so
 * a greeting can never be missed.
 */
public final class Connector {

    private static final Logger log = LoggerFactory.getLogger(Connector.class);

    private Connector() {
    }

    /**
     * Connects and runs the session's handshake.
     *
     * @param attach called in the channel initializer: installs handlers, returns the session
     * @param handshake runs the protocol's opening flow; on error or cancel it must close the channel
     * @param <S> the session (client) type
     * @return the ready session; fails with {@code QmpTimeoutException} when
     *     {@code policy.timeout()} runs out (cause: the last error), with
     *     {@link QmpConnectException} when the liveness check says the peer is dead, or with
     *     the handshake's own non-retryable error
     */
    public static <S> Mono<S> connect(PeerAddress peer, QmpResources resources, ConnectPolicy policy,
            Function<Channel, S> attach, Function<S, Mono<S>> handshake) {
        Mono<Attached<S>> attempt = Mono.defer(() -> openChannel(peer, resources, policy, attach))
                .flatMap(opened -> handshake.apply(opened.session()).map(ready -> new Attached<>(opened.channel(), ready)));
        return retrying(peer, policy, resources, attempt, lost -> lost.channel().close()).map(Attached::session);
    }

    /** A session and the channel it runs on (closed if the session is ready too late). */
    private record Attached<S>(Channel channel, S session) {
    }

    /**
     * Re-subscribes to {@code attempt} while it fails with a retryable error, after the
     * policy's backoff; asks the liveness check after each failure; bounded by the policy's
     * timeout on the resources' timer. Backoff delays run on {@code Schedulers.parallel()} (virtual
     * time in tests).
     *
     * @param discard closes a session that became ready just after the timeout fired
     */
    static <S> Mono<S> retrying(PeerAddress peer, ConnectPolicy policy, QmpResources resources, Mono<S> attempt,
            Consumer<? super S> discard) {
        return Mono.defer(() -> {
            AtomicReference<Throwable> lastError = new AtomicReference<>();
            Mono<S> checked = attempt.onErrorResume(Connector::isRetryable, e -> {
                lastError.set(e);
                log.debug("connect to {} failed, will retry: {}", peer, e.toString());
                return policy.liveness().isAlive().defaultIfEmpty(Boolean.TRUE).flatMap(alive -> alive
                        ? Mono.<S>error(e)
                        : Mono.error(new QmpConnectException(peer.toString(),
                                "peer behind " + peer + " is not alive (liveness check failed) while connecting", e)));
            });
            return resources.timeout(checked.retryWhen(policy.backoff().toRetry(Connector::isRetryable)), policy.timeout(),
                    () -> QmpExceptions.timeout("connecting to " + peer, policy.timeout(), lastError.get()), discard);
        });
    }

    /**
     * Errors worth another attempt: the socket is missing or refuses (QEMU still starting),
     * or the peer closed during the handshake (the liveness check decides whether it died).
     */
    static boolean isRetryable(Throwable e) {
        return e instanceof IOException || e instanceof QmpConnectionClosedException;
    }

    private static <S> Mono<Attached<S>> openChannel(PeerAddress peer, QmpResources resources, ConnectPolicy policy,
            Function<Channel, S> attach) {
        if (peer.streamOpener().isPresent()) {
            return openStream(peer, peer.streamOpener().get(), resources, attach);
        }
        AtomicReference<S> session = new AtomicReference<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(resources.eventLoops())
                .channelFactory(peer.isUnix() ? NioDomainSocketChannel::new : NioSocketChannel::new)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        policy.attemptTimeout().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        session.set(attach.apply(ch));
                    }
                });
        return Mono.create(sink -> {
            ChannelFuture future = bootstrap.connect(peer.toSocketAddress());
            future.addListener(f -> {
                if (f.isSuccess()) {
                    sink.success(new Attached<>(future.channel(), session.get()));
                } else {
                    future.channel().close();
                    sink.error(f.cause());
                }
            });
            sink.onCancel(() -> {
                future.cancel(false);
                future.channel().close();
            });
        });
    }

    /**
     * A stream peer: a {@link StreamChannel} on the resources' event loops, like a socket's channel. Its
     * stream is opened at once, before the channel is registered; the connect completes once it is open.
     */
    private static <S> Mono<Attached<S>> openStream(PeerAddress peer, StreamOpener opener, QmpResources resources,
            Function<Channel, S> attach) {
        return Mono.create(sink -> {
            AtomicReference<S> session = new AtomicReference<>();
            StreamChannel channel = new StreamChannel(peer, opener);
            channel.open();
            ChannelFuture connected = new Bootstrap()
                    .group(resources.eventLoops())
                    .channelFactory(() -> channel)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            session.set(attach.apply(ch));
                        }
                    })
                    .connect(channel.remote());
            sink.onCancel(channel::close);
            connected.addListener(f -> {
                if (f.isSuccess()) {
                    sink.success(new Attached<>(channel, session.get()));
                } else {
                    channel.close();
                    sink.error(f.cause());
                }
            });
        });
    }
}
