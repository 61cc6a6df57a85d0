/**
 * The wire: QMP (QEMU's monitor protocol) and QGA (QEMU's guest agent) clients over unix domain
 * sockets or TCP, and a serial-console line reader, on Netty and Project Reactor.
 *
 * <p>The API packages: {@link io.qemureactor.qmp} (the QMP client, its commands and the options
 * every connection shares), {@link io.qemureactor.qga} (the guest-agent client),
 * {@link io.qemureactor.console} (a guest's serial console), {@link io.qemureactor.transport}
 * (addresses, connect policy, event loops and timer) and {@link io.qemureactor.exceptions} (one
 * root, {@code QmpException}). The Netty plumbing (connector, JSON framing, codecs, session core,
 * deadline timer, wire trace) lives in {@code io.qemureactor.transport.internal}, which this
 * module does not export.
 */
module io.qemureactor.qmp.netty {
    // types of these appear in the API: Mono/Flux/Scheduler, Publisher, JsonNode, LoopResources, EventLoopGroup
    requires transitive reactor.core;
    requires transitive org.reactivestreams;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive reactor.netty.core;
    requires transitive io.netty.transport;

    requires com.fasterxml.jackson.core;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.common;
    requires io.netty.handler;
    requires org.slf4j;

    exports io.qemureactor.console;
    exports io.qemureactor.exceptions;
    exports io.qemureactor.qga;
    exports io.qemureactor.qmp;
    exports io.qemureactor.transport;
}
