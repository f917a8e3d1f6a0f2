package dev.spindle.io;

import dev.spindle.io.tls.TlsClientContext;
import dev.spindle.io.tls.TlsServerContext;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. Socket options and flow-control limits for TCP listeners and connections; each
 * {@code withX} returns a copy. Options that only a listener uses ({@code backlog},
 * {@code reusePort}, {@code maxConnections}) are ignored by {@link Io#connect}.
 *
 * <p>Write flow control is Node's: {@link TcpConnection#write} returns {@code false} once the
 * bytes queued reach {@code highWaterMark}, and a {@link TcpEvent.WritesDrained} follows when they
 * fall to {@code lowWaterMark}. A writer that ignores it is stopped at {@code maxQueuedBytes}: the
 * write is refused with {@link WriteQueueFullException}, so a peer that stops reading never makes
 * the process buffer without bound.
 *
 * @param noDelay        {@code TCP_NODELAY}: send small writes at once (default on)
 * @param keepAlive      {@code SO_KEEPALIVE} (default off)
 * @param reuseAddress   {@code SO_REUSEADDR} on listeners (default on)
 * @param reusePort      {@code SO_REUSEPORT} on listeners: several sockets on one port, the kernel
 *                       spreading connections; listening fails with a clear message where the OS
 *                       lacks it (default off)
 * @param backlog        pending connections the kernel keeps for a listener (default 1024)
 * @param allowHalfOpen  keep our side open for writing after the peer shuts down its output;
 *                       off (Node's default), the connection closes once our queued writes are sent
 * @param connectTimeout how long {@link Io#connect} waits before it reports a failure (default 10 s)
 * @param highWaterMark  queued bytes at which {@code write} starts returning {@code false} (64 KiB)
 * @param lowWaterMark   queued bytes at which a {@link TcpEvent.WritesDrained} is sent (16 KiB)
 * @param maxQueuedBytes queued bytes past which a write is refused (4 MiB)
 * @param pooledReads    reads arrive as {@link TcpEvent.Data}, buffers lent from a pool that the
 *                       receiver gives back, instead of {@link TcpEvent.Received} with a new array
 *                       each: nothing is allocated per read (default off)
 * @param acceptGate     asked by a listener before each accept ({@link AcceptGate#OPEN}: always)
 * @param maxConnections connections a listener holds open at once (default 10,000, like
 *                       {@code HttpServerOptions.maxConnections}); one more is accepted and closed at
 *                       once with a reset, never handed to the owner, and counted in
 *                       {@link TcpListenerStats#refused()}. {@link Integer#MAX_VALUE}: no bound. Keep
 *                       the sum over a process's listeners below its open-file limit. An HTTP server
 *                       ignores it: it answers 503 past its own {@code HttpServerOptions.maxConnections}
 * @param tlsServer      a listener's connections speak TLS with this context (its certificates,
 *                       versions, limits; counted in its {@link TlsServerContext#stats()}); the owner
 *                       hears {@link TcpEvent.Accepted} after the handshake. {@code null} (default):
 *                       plaintext
 * @param tlsClient      {@link Io#connect} speaks TLS with this context, to the host name of the
 *                       address it is given (its certificate must name it); {@link TcpEvent.Connected}
 *                       comes after the handshake, a failed one is a {@link TcpEvent.ConnectFailed}.
 *                       {@code null} (default): plaintext
 */
public record TcpOptions(boolean noDelay, boolean keepAlive, boolean reuseAddress, boolean reusePort, int backlog,
        boolean allowHalfOpen, Duration connectTimeout, int highWaterMark, int lowWaterMark, int maxQueuedBytes,
        boolean pooledReads, AcceptGate acceptGate, int maxConnections, TlsServerContext tlsServer,
        TlsClientContext tlsClient) {

    public TcpOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(acceptGate, "acceptGate");
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1: " + backlog);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        if (lowWaterMark < 0 || lowWaterMark > highWaterMark || highWaterMark > maxQueuedBytes) {
            throw new IllegalArgumentException("need 0 <= lowWaterMark <= highWaterMark <= maxQueuedBytes: "
                    + lowWaterMark + ", " + highWaterMark + ", " + maxQueuedBytes);
        }
    }

    /** {@return options that work for most servers and clients} */
    public static TcpOptions defaults() {
        return new TcpOptions(true, false, true, false, 1024, false, Duration.ofSeconds(10),
                64 * 1024, 16 * 1024, 4 << 20, false, AcceptGate.OPEN, 10_000, null, null);
    }

    public TcpOptions withNoDelay(boolean on) {
        return new TcpOptions(on, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    public TcpOptions withKeepAlive(boolean on) {
        return new TcpOptions(noDelay, on, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    public TcpOptions withReuseAddress(boolean on) {
        return new TcpOptions(noDelay, keepAlive, on, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    public TcpOptions withReusePort(boolean on) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, on, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    public TcpOptions withBacklog(int pending) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, pending, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    public TcpOptions withAllowHalfOpen(boolean on) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, on, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    public TcpOptions withConnectTimeout(Duration timeout) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, timeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    /** {@return a copy with these write limits} */
    public TcpOptions withWriteLimits(int low, int high, int max) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                high, low, max, pooledReads, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    /**
     * {@return a copy whose connections lend their reads from a pool ({@link TcpEvent.Data})
     * instead of sending a new array each ({@link TcpEvent.Received})}
     */
    public TcpOptions withPooledReads(boolean on) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, on, acceptGate, maxConnections, tlsServer, tlsClient);
    }

    /**
     * {@return a copy whose listeners ask {@code gate} before each accept} A cluster sets one to
     * deal the connections of a shared listening socket out in turn.
     */
    public TcpOptions withAcceptGate(AcceptGate gate) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, gate, maxConnections, tlsServer, tlsClient);
    }

    /**
     * {@return a copy whose listeners hold at most {@code count} connections open at once} One
     * more is reset as soon as it is accepted and counted as {@link TcpListenerStats#refused()}.
     */
    public TcpOptions withMaxConnections(int count) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, count, tlsServer, tlsClient);
    }

    /** {@return a copy whose listeners speak TLS with {@code context}; null: plaintext} */
    public TcpOptions withTls(TlsServerContext context) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, context, tlsClient);
    }

    /** {@return a copy whose {@link Io#connect} speaks TLS with {@code context}; null: plaintext} */
    public TcpOptions withTls(TlsClientContext context) {
        return new TcpOptions(noDelay, keepAlive, reuseAddress, reusePort, backlog, allowHalfOpen, connectTimeout,
                highWaterMark, lowWaterMark, maxQueuedBytes, pooledReads, acceptGate, maxConnections, tlsServer, context);
    }
}
