package io.qemureactor.exceptions;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;

/**
 * One place that builds the exceptions, so messages read the same everywhere
 * (lettuce's ExceptionFactory idea).
 */
public final class QmpExceptions {

    private QmpExceptions() {
    }

    /** From a reply's {@code error} member: {@code {"class": ..., "desc": ...}}. */
    public static QmpCommandException commandFailed(String command, JsonNode error) {
        String errorClass = error.path("class").asText("UnknownError");
        String desc = error.path("desc").asText(error.toString());
        return new QmpCommandException(command, errorClass, desc);
    }

    /** The connection to {@code peer} closed while {@code what} was pending. */
    public static QmpConnectionClosedException closed(String peer, String what, Throwable cause) {
        return new QmpConnectionClosedException(peer,
                "connection to " + peer + " closed" + (what == null ? "" : " while " + what), cause);
    }

    /** {@code what} did not complete within {@code timeout}. */
    public static QmpTimeoutException timeout(String what, Duration timeout) {
        return timeout(what, timeout, null);
    }

    /** {@code what} did not complete within {@code timeout}; {@code cause} tells the last reason. */
    public static QmpTimeoutException timeout(String what, Duration timeout, Throwable cause) {
        String reason = cause == null ? "" : " (last error: " + cause + ")";
        return new QmpTimeoutException(what + " did not complete within " + timeout + reason, timeout, cause);
    }

    /** A single message from {@code peer} exceeded {@code limit} bytes (and the connection was closed). */
    public static QmpProtocolException oversize(String peer, int limit, boolean connectionClosed, Throwable cause) {
        return new QmpProtocolException("message from " + peer + " exceeds the limit of " + limit
                + " bytes" + (connectionClosed ? "; connection closed" : ""), cause);
    }

    /** {@code peer} sent something that is not a JSON object. */
    public static QmpProtocolException malformed(String peer, Throwable cause) {
        return new QmpProtocolException("malformed message from " + peer + ": " + cause.getMessage(), cause);
    }
}
