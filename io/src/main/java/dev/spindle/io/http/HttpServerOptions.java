package dev.spindle.io.http;

import dev.spindle.io.TcpOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. Limits and timeouts of an {@link HttpServer}; each {@code withX} returns a copy. A
 * request over a limit gets the status RFC 9110 names for it and the connection closes; the
 * server keeps serving everyone else.
 *
 * @param tcp              socket options of the listener and its connections
 * @param maxHeadSize      request line plus headers, in bytes; over it: 431 (default 16 KiB, as Node)
 * @param maxHeaders       header fields; over it: 431 (default 100)
 * @param maxBodySize      a request body, in bytes; over it: 413 (default 1 MiB)
 * @param maxPipelined     requests of one connection handed to actors and not yet answered; past
 *                         it the connection stops reading until answers go out (default 32)
 * @param headTimeout      time to receive a whole request head once it has begun (slowloris); then 408 (default 10 s)
 * @param bodyTimeout      time to receive a request body: a collected body whole, within it of its head's end; a
 *                         streamed body, the next bytes within it whenever its reader waits for them (the
 *                         reader's own pauses do not count); then 408, or the reader hears it (default 30 s)
 * @param idleTimeout      a keep-alive connection with no request in progress closes after it, and so does one
 *                         whose client has read none of the answers waiting for it in that time (default 60 s)
 * @param maxConnections   open connections; one more is answered 503 and closed (default 10,000)
 */
public record HttpServerOptions(TcpOptions tcp, int maxHeadSize, int maxHeaders, int maxBodySize, int maxPipelined,
        Duration headTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections) {

    public HttpServerOptions {
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(headTimeout, "headTimeout");
        Objects.requireNonNull(bodyTimeout, "bodyTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxHeadSize < 256 || maxHeaders < 1 || maxBodySize < 0 || maxPipelined < 1 || maxConnections < 1) {
            throw new IllegalArgumentException("limits out of range: maxHeadSize " + maxHeadSize + " (>= 256), maxHeaders "
                    + maxHeaders + ", maxBodySize " + maxBodySize + ", maxPipelined " + maxPipelined + ", maxConnections "
                    + maxConnections);
        }
        if (!headTimeout.isPositive() || !bodyTimeout.isPositive() || !idleTimeout.isPositive()) {
            throw new IllegalArgumentException("timeouts must be positive: head " + headTimeout + ", body " + bodyTimeout
                    + ", idle " + idleTimeout);
        }
    }

    public static HttpServerOptions defaults() {
        return new HttpServerOptions(TcpOptions.defaults(), 16 * 1024, 100, 1 << 20, 32, Duration.ofSeconds(10),
                Duration.ofSeconds(30), Duration.ofSeconds(60), 10_000);
    }

    /**
     * {@return a copy that serves HTTPS with {@code context} (its certificates, versions, ALPN and
     * limits; its {@link dev.spindle.io.tls.TlsServerContext#stats()} count the handshakes)} A
     * plaintext HTTP client on the port gets a 400 in the clear, then the close. Null: plaintext.
     */
    public HttpServerOptions withTls(dev.spindle.io.tls.TlsServerContext context) {
        return withTcp(tcp.withTls(context));
    }

    public HttpServerOptions withTcp(TcpOptions options) {
        return new HttpServerOptions(options, maxHeadSize, maxHeaders, maxBodySize, maxPipelined, headTimeout, bodyTimeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withMaxHeadSize(int bytes) {
        return new HttpServerOptions(tcp, bytes, maxHeaders, maxBodySize, maxPipelined, headTimeout, bodyTimeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withMaxHeaders(int count) {
        return new HttpServerOptions(tcp, maxHeadSize, count, maxBodySize, maxPipelined, headTimeout, bodyTimeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withMaxBodySize(int bytes) {
        return new HttpServerOptions(tcp, maxHeadSize, maxHeaders, bytes, maxPipelined, headTimeout, bodyTimeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withMaxPipelined(int requests) {
        return new HttpServerOptions(tcp, maxHeadSize, maxHeaders, maxBodySize, requests, headTimeout, bodyTimeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withHeadTimeout(Duration timeout) {
        return new HttpServerOptions(tcp, maxHeadSize, maxHeaders, maxBodySize, maxPipelined, timeout, bodyTimeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withBodyTimeout(Duration timeout) {
        return new HttpServerOptions(tcp, maxHeadSize, maxHeaders, maxBodySize, maxPipelined, headTimeout, timeout, idleTimeout,
                maxConnections);
    }

    public HttpServerOptions withIdleTimeout(Duration timeout) {
        return new HttpServerOptions(tcp, maxHeadSize, maxHeaders, maxBodySize, maxPipelined, headTimeout, bodyTimeout, timeout,
                maxConnections);
    }

    public HttpServerOptions withMaxConnections(int count) {
        return new HttpServerOptions(tcp, maxHeadSize, maxHeaders, maxBodySize, maxPipelined, headTimeout, bodyTimeout, idleTimeout,
                count);
    }
}
