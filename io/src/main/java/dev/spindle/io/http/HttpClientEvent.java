package dev.spindle.io.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Immutable. What an {@link HttpClient} tells the actor that asked: for {@link HttpClient#send},
 * one {@link Response} or one {@link Failed}; for {@link HttpClient#stream}, a
 * {@link ResponseHead}, {@link BodyChunk}s as asked for, then {@link ResponseEnd}, or a
 * {@link Failed} at any point, after which nothing more comes for that request.
 */
public sealed interface HttpClientEvent {

    /** Why a request got no (complete) response. */
    enum Failure {
        /** The connection could not be made: refused, unreachable, unknown host. */
        CONNECT_FAILED,
        /** No connection within {@link dev.spindle.io.TcpOptions#connectTimeout()}. */
        CONNECT_TIMEOUT,
        /** No complete response (streamed: no head) within {@link HttpClientOptions#responseTimeout()}. */
        RESPONSE_TIMEOUT,
        /** The connection closed (or was reset) before the response was complete. */
        CLOSED_EARLY,
        /** The server's bytes are not an HTTP/1.1 response (the connection is closed). */
        MALFORMED_RESPONSE,
        /** A limit of {@link HttpClientOptions} was passed (head, header count, body, requests waiting). */
        LIMIT_EXCEEDED,
        /** The client or its {@link dev.spindle.io.Io} was closed first. */
        CLIENT_CLOSED,
        /**
         * The TLS handshake of an {@code https} request failed: the server's certificate is not
         * trusted, has expired or names another host, or no version or cipher is in common
         * ({@link dev.spindle.io.tls.TlsFailure#of} on the cause says which).
         */
        TLS_FAILED
    }

    /** The whole response to {@code request}; {@code body} is the receiver's (empty for HEAD, 204, 304). */
    record Response(ClientRequest request, int status, HttpHeaders headers, byte[] body) implements HttpClientEvent {

        /** {@return the body decoded as UTF-8} */
        public String bodyAsString() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A streamed response's status and headers; ask for body chunks with {@code stream}. */
    record ResponseHead(ClientRequest request, ResponseStream stream, int status, HttpHeaders headers)
            implements HttpClientEvent {
    }

    /** The next piece of a streamed body, as it was read; the array is the receiver's. */
    record BodyChunk(ResponseStream stream, byte[] data) implements HttpClientEvent {
    }

    /** A streamed body is complete: {@code bodyBytes} in all. */
    record ResponseEnd(ResponseStream stream, long bodyBytes) implements HttpClientEvent {
    }

    /**
     * The body of an {@link HttpClient#upload} had reached the high-water mark ({@code write}
     * returned {@code false}) and has drained to the low-water mark: write again.
     */
    record BodyDrained(ClientRequest request, RequestBodyWriter writer) implements HttpClientEvent {
    }

    /** {@code request} failed; {@code cause} says how, in words a log reader understands. */
    record Failed(ClientRequest request, Failure failure, IOException cause) implements HttpClientEvent {
    }
}
