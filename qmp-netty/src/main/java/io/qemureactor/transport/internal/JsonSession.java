package io.qemureactor.transport.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A protocol client as the JSON codec sees it: what to do with each message, with a failure, and
 * with the end of the connection. {@link JsonFraming#install} puts it at the end of the pipeline;
 * every call comes on the channel's event loop.
 */
public interface JsonSession {

    /**
     * One JSON object from the peer. May throw {@link io.qemureactor.exceptions.QmpProtocolException}
     * when the object is not what the protocol allows; that goes to {@link #onFailure}.
     */
    void onMessage(JsonNode message);

    /** A decoder error (see {@link JsonFraming#protocolError}), a protocol error, or an I/O error. */
    void onFailure(Throwable cause);

    /** The connection closed, for whatever reason. */
    void onClosed();
}
