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

    /**
     * The error for an error reply.
     *
     * @param command the command that failed
     * @param error the reply's {@code error} member: {@code {"class": ..., "desc": ...}}
     * @return the exception (class {@code UnknownError} when the reply has none)
     */
    public static QmpCommandException commandFailed(String command, JsonNode error) {
        String errorClass = error.path("class").asText("UnknownError");
        String desc = error.path("desc").asText(error.toString());
        return new QmpCommandException(command, errorClass, desc);
    }

    /**
     * The error for a connection that closed while something was pending.
     *
     * @param peer the peer address as text
     * @param what what was pending, e.g. {@code "waiting for the reply to query-status"}; null for nothing
     * @param cause the I/O error that closed it, or null
     * @return "connection to PEER closed while WHAT"
     */
    public static QmpConnectionClosedException closed(String peer, String what, Throwable cause) {
        return new QmpConnectionClosedException(peer,
                "connection to " + peer + " closed" + (what == null ? "" : " while " + what), cause);
    }

    /**
     * The error for something that took too long.
     *
     * @param what what did not complete, e.g. {@code "reply to quit from unix:/run/vm1/qmp.sock"}
     * @param timeout the limit
     * @return "WHAT did not complete within TIMEOUT"
     */
    public static QmpTimeoutException timeout(String what, Duration timeout) {
        return timeout(what, timeout, null);
    }

    /**
     * The error for something that took too long, with the last reason it failed.
     *
     * @param what what did not complete
     * @param timeout the limit
     * @param cause the last error seen (e.g. "Connection refused"), named in the message; or null
     * @return the exception
     */
    public static QmpTimeoutException timeout(String what, Duration timeout, Throwable cause) {
        String reason = cause == null ? "" : " (last error: " + cause + ")";
        return new QmpTimeoutException(what + " did not complete within " + timeout + reason, timeout, cause);
    }

    /**
     * The error for a message over the size limit.
     *
     * @param peer the peer address as text
     * @param limit the limit in bytes
     * @param connectionClosed whether the client closes the connection for it (QMP does)
     * @param cause the decoder's error
     * @return the exception
     */
    public static QmpProtocolException oversize(String peer, int limit, boolean connectionClosed, Throwable cause) {
        return new QmpProtocolException("message from " + peer + " exceeds the limit of " + limit
                + " bytes" + (connectionClosed ? "; connection closed" : ""), cause);
    }

    /**
     * The error for input that is not a JSON object.
     *
     * @param peer the peer address as text
     * @param cause the parser's or decoder's error, whose message is quoted
     * @return the exception
     */
    public static QmpProtocolException malformed(String peer, Throwable cause) {
        return new QmpProtocolException("malformed message from " + peer + ": " + cause.getMessage(), cause);
    }
}
