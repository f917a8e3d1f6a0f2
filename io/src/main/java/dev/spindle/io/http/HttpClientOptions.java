package dev.spindle.io.http;

import dev.spindle.io.TcpOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. Pool sizes, limits and timeouts of an {@link HttpClient}; each {@code withX} returns a
 * copy. A response over a limit fails its request with
 * {@link HttpClientEvent.Failure#LIMIT_EXCEEDED} and closes its connection; other requests go on.
 *
 * @param tcp                   socket options of the client's connections; its {@code connectTimeout}
 *                              bounds each connect (default 10 s)
 * @param maxConnectionsPerHost connections open to one host and port at once (default 8)
 * @param maxPipelined          requests in flight on one connection (HTTP/1.1 pipelining); 1, the
 *                              default, sends the next request only after the last response
 * @param maxQueuedPerHost      requests waiting for a connection to one host; one more fails (default 1024)
 * @param maxHeadSize           status line plus headers (and trailers), in bytes (default 16 KiB)
 * @param maxHeaders            header fields of a response (default 100)
 * @param maxBodySize           a body collected by {@link HttpClient#send}, in bytes; streamed bodies
 *                              have no limit, their receiver sets the pace (default 8 MiB)
 * @param idleTimeout           an idle pooled connection closes after it (default 30 s)
 * @param responseTimeout       from giving a request a connection (a new one's connect included)
 *                              to its complete response (streamed: its head) (default 30 s)
 * @param continueTimeout       how long a request with {@code Expect: 100-continue} waits for the
 *                              100, once connected, before it sends its body anyway (default 1 s)
 */
public record HttpClientOptions(TcpOptions tcp, int maxConnectionsPerHost, int maxPipelined, int maxQueuedPerHost,
        int maxHeadSize, int maxHeaders, int maxBodySize, Duration idleTimeout, Duration responseTimeout,
        Duration continueTimeout) {

    public HttpClientOptions {
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(continueTimeout, "continueTimeout");
        if (maxConnectionsPerHost < 1 || maxPipelined < 1 || maxQueuedPerHost < 0 || maxHeadSize < 256
                || maxHeaders < 1 || maxBodySize < 0) {
            throw new IllegalArgumentException("limits out of range: maxConnectionsPerHost " + maxConnectionsPerHost
                    + ", maxPipelined " + maxPipelined + ", maxQueuedPerHost " + maxQueuedPerHost + ", maxHeadSize "
                    + maxHeadSize + " (>= 256), maxHeaders " + maxHeaders + ", maxBodySize " + maxBodySize);
        }
        if (!idleTimeout.isPositive() || !responseTimeout.isPositive() || !continueTimeout.isPositive()) {
            throw new IllegalArgumentException("timeouts must be positive: " + idleTimeout + ", " + responseTimeout
                    + ", " + continueTimeout);
        }
    }

    public static HttpClientOptions defaults() {
        return new HttpClientOptions(TcpOptions.defaults(), 8, 1, 1024, 16 * 1024, 100, 8 << 20, Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    /**
     * {@return a copy whose {@code https} requests speak TLS with {@code context}: its trust (the
     * CAs a server's certificate must lead to), host name verification, client certificate, versions}
     * Without one, {@code https} requests trust the JDK's CAs and verify host names.
     */
    public HttpClientOptions withTls(dev.spindle.io.tls.TlsClientContext context) {
        return withTcp(tcp.withTls(context));
    }

    public HttpClientOptions withTcp(TcpOptions options) {
        return new HttpClientOptions(options, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, maxHeadSize,
                maxHeaders, maxBodySize, idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withMaxConnectionsPerHost(int count) {
        return new HttpClientOptions(tcp, count, maxPipelined, maxQueuedPerHost, maxHeadSize, maxHeaders, maxBodySize,
                idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withMaxPipelined(int requests) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, requests, maxQueuedPerHost, maxHeadSize, maxHeaders,
                maxBodySize, idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withMaxQueuedPerHost(int requests) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, requests, maxHeadSize, maxHeaders,
                maxBodySize, idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withMaxHeadSize(int bytes) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, bytes, maxHeaders,
                maxBodySize, idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withMaxHeaders(int count) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, maxHeadSize, count,
                maxBodySize, idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withMaxBodySize(int bytes) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, maxHeadSize, maxHeaders,
                bytes, idleTimeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withIdleTimeout(Duration timeout) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, maxHeadSize, maxHeaders,
                maxBodySize, timeout, responseTimeout, continueTimeout);
    }

    public HttpClientOptions withResponseTimeout(Duration timeout) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, maxHeadSize, maxHeaders,
                maxBodySize, idleTimeout, timeout, continueTimeout);
    }

    public HttpClientOptions withContinueTimeout(Duration timeout) {
        return new HttpClientOptions(tcp, maxConnectionsPerHost, maxPipelined, maxQueuedPerHost, maxHeadSize, maxHeaders,
                maxBodySize, idleTimeout, responseTimeout, timeout);
    }
}
