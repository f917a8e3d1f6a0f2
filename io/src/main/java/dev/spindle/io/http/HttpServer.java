package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.Io;
import dev.spindle.io.internal.Internals;
import dev.spindle.io.internal.IoLoop;
import dev.spindle.io.internal.TcpChannel;
import dev.spindle.io.internal.TcpServerChannel;
import dev.spindle.io.internal.WarningRate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe. An HTTP/1.1 server (RFC 9112) on an {@link Io}'s loops: each request reaches the
 * actor its {@link Router} picks as an {@link HttpRequest} message, and the actor answers with
 * {@link HttpRequest#respond}. Keep-alive, pipelining (answers in request order), chunked request
 * bodies, {@code Expect: 100-continue}, HEAD; limits and malformed input answered with their status
 * (see {@link HttpServerOptions}) while everyone else is served on.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.listen(io, new InetSocketAddress(8080), HttpServerOptions.defaults(),
 *         Router.builder().get("/hello", hello).get("/users/:id", users).build());
 * }</pre>
 *
 * <p>Threads: parsing, routing and writing run on the loops, which never run user code; handlers
 * run on their actors' virtual threads and may block.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final byte[] TOO_MANY = ResponseEncoder.ascii("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain\r\nContent-Length: 25\r\nConnection: close\r\n\r\ntoo many open connections");

    final HttpServerOptions options;
    final Router router;
    private final TcpServerChannel listener;
    private final AtomicInteger open = new AtomicInteger();
    /** What {@link #stats()} reports; counted by the loops (adders: several loops count at once). */
    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    /** Which refusals get a warning: the first, then one per 10 s with a count (the loops share it). */
    private final WarningRate refusals = new WarningRate(TimeUnit.SECONDS.toNanos(10));
    final LongAdder requests = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder idleClosed = new LongAdder();
    final LongAdder unreadClosed = new LongAdder();
    final LongAdder headTimedOut = new LongAdder();
    final LongAdder bodyTimedOut = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    /** Hears of each answer's end, on the loop; null (the default): nothing is timed or told. */
    private volatile HttpServerObserver observer;
    /** Accepted, not yet set up on their loop: part of what {@link #shutdown} waits for. */
    private final AtomicInteger adopting = new AtomicInteger();
    /** Set by {@link #shutdown}: connections accepted from now on drain at once. */
    private volatile boolean shuttingDown;
    /** The listener has closed: no connection comes any more but those {@link #adopting}. */
    private volatile boolean listenerClosed;
    /** Completes when the last connection closes after {@link #shutdown}. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Per loop that holds connections of this server; touched on that loop only. */
    private final Map<IoLoop, LoopState> loops = new ConcurrentHashMap<>();

    private HttpServer(Io io, InetSocketAddress address, ServerSocketChannel channel, HttpServerOptions options,
            Router router) throws IOException {
        this.options = options;
        this.router = router;
        TcpServerChannel.Acceptor acceptor = new TcpServerChannel.Acceptor() {
            @Override
            public void accepted(IoLoop loop, SocketChannel channel, TcpServerChannel from) throws IOException {
                onAccepted(loop, channel);
            }

            @Override
            public void listenerClosed(TcpServerChannel from, IOException cause) {
                if (cause != null) {
                    LOG.error("HTTP server on {} stopped accepting", from.localAddress(), cause);
                }
                listenerClosed = true;
                checkDrained();
            }

            @Override
            public void adopting() {
                adopting.incrementAndGet();
            }
        };
        this.listener = channel != null ? Internals.runtime(io).listen(channel, options.tcp().acceptGate(), acceptor)
                : Internals.runtime(io).listen(address, options.tcp(), acceptor);
    }

    /** Serves {@code address} (port 0: the OS picks one), routing requests with {@code router}. */
    public static HttpServer listen(Io io, InetSocketAddress address, HttpServerOptions options, Router router)
            throws IOException {
        return new HttpServer(Objects.requireNonNull(io, "io"), Objects.requireNonNull(address, "address"), null,
                Objects.requireNonNull(options, "options"), Objects.requireNonNull(router, "router"));
    }

    /**
     * Serves {@code channel}, already bound and listening, which this server takes over (inherited
     * from a supervisor, or shared among a cluster's workers); {@code options.tcp()} apply to the
     * accepted connections.
     */
    public static HttpServer listen(Io io, ServerSocketChannel channel, HttpServerOptions options, Router router)
            throws IOException {
        return new HttpServer(Objects.requireNonNull(io, "io"), null, Objects.requireNonNull(channel, "channel"),
                Objects.requireNonNull(options, "options"), Objects.requireNonNull(router, "router"));
    }

    /** Serves {@code address}, sending every request to {@code handler}. */
    public static HttpServer listen(Io io, InetSocketAddress address, HttpServerOptions options,
            ActorRef<HttpRequest> handler) throws IOException {
        return listen(io, address, options, Router.to(handler));
    }

    public InetSocketAddress localAddress() {
        return listener.localAddress();
    }

    /** {@return connections open now} */
    public int openConnections() {
        return open.get();
    }

    /** {@return whether this server speaks TLS (HTTPS)} */
    public boolean secure() {
        return options.tcp().tlsServer() != null;
    }

    /**
     * {@return what this server's TLS handshakes came to so far (its TLS context's, shared with any
     * other server using that context); all zero for a plaintext server}
     */
    public dev.spindle.io.tls.TlsStats tlsStats() {
        dev.spindle.io.tls.TlsServerContext tls = options.tcp().tlsServer();
        return tls == null ? dev.spindle.io.tls.TlsStats.none() : tls.stats();
    }

    /** {@return what this server has served, refused and closed so far} */
    public HttpServerStats stats() {
        return new HttpServerStats(open.get(), accepted.sum(), refused.sum(), requests.sum(), rejected.sum(),
                timedOut.sum(), idleClosed.sum(), unreadClosed.sum(), headTimedOut.sum(), bodyTimedOut.sum(),
                bytesRead.sum(), bytesWritten.sum());
    }

    /**
     * Tells {@code observer} of every answer from now on, as it ends (route pattern, method, status,
     * latency), on the loops: for metrics. Replaces the observer set before; {@code null} removes
     * it. Without one, nothing is timed.
     */
    public void observe(HttpServerObserver observer) {
        this.observer = observer;
    }

    /** Loop: {@code request}'s answer has ended; tells the observer, if there is one. */
    void answerEnded(HttpRequest request) {
        HttpServerObserver o = observer;
        if (o == null) {
            return;
        }
        Router.Route route = request.route;
        String label = route == null || route == Router.NOT_FOUND || route == Router.METHOD_NOT_ALLOWED
                ? HttpServerObserver.UNMATCHED : route.pattern();
        HttpMethod method = request.method != null ? request.method : HttpMethod.OTHER;
        try {
            o.answered(label, method, request.response.status(), System.nanoTime() - request.started);
        } catch (RuntimeException e) {
            // A monitoring hook must not cost the client its answer or the loop its work: drop it.
            if (OBSERVER.compareAndSet(this, o, null)) {
                LOG.error("HTTP server on {}: its observer threw; it is removed and no more answers are observed",
                        localAddress(), e);
            }
        }
    }

    /** To drop an observer that threw, unless another replaced it meanwhile. */
    private static final VarHandle OBSERVER;
    static {
        try {
            OBSERVER = MethodHandles.lookup().findVarHandle(HttpServer.class, "observer", HttpServerObserver.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Stops accepting; open connections are served until they close. */
    @Override
    public void close() {
        listener.close();
    }

    /**
     * Stops gracefully: accepts no more connections (what the kernel had queued is accepted and
     * served first); each open connection answers what it was asked, the last answer with
     * {@code Connection: close}, and closes. An idle keep-alive connection answers one more request
     * if it comes within a second (a busy client's next one is on its way, perhaps held up by a
     * busy machine), else it closes at the next sweep (every 250 ms). A Server-Sent Events answer
     * ({@code text/event-stream}), which never ends by itself, is ended cleanly after what its
     * writer had queued, and its writer hears {@link ResponseWriterEvent.Closed} with the reason; any
     * other streamed answer runs on to its end. Whatever is still open after {@code grace} is closed
     * (its unanswered requests get no answer). Clients are told to reconnect, so a server behind a
     * shared port (a cluster worker being replaced) loses no request.
     *
     * @return completes once every connection has closed
     */
    public CompletionStage<Void> shutdown(Duration grace) {
        shuttingDown = true;
        listener.close(); // then listenerClosed: checkDrained
        for (LoopState state : loops.values()) {
            state.loop.execute(() -> state.drain(grace.toNanos()));
        }
        return drained.copy();
    }

    /** After {@link #shutdown}: complete once the listener is closed and no connection is open or on its way. */
    private void checkDrained() {
        if (shuttingDown && listenerClosed && open.get() == 0 && adopting.get() == 0) {
            drained.complete(null);
        }
    }

    private void onAccepted(IoLoop loop, SocketChannel channel) throws IOException {
        try {
            setUp(loop, channel);
        } finally {
            adopting.decrementAndGet();
            checkDrained();
        }
    }

    private void setUp(IoLoop loop, SocketChannel channel) throws IOException {
        TcpChannel.configure(channel, options.tcp());
        accepted.increment();
        if (open.incrementAndGet() > options.maxConnections()) {
            open.decrementAndGet();
            refused.increment();
            long told = refusals.occurred(System.nanoTime()); // a flood must not flood the log
            if (told > 0) {
                LOG.warn("HTTP server on {}: {} connections open, the limit; refused {} with 503 since the last "
                        + "warning (the last from {}; all are counted in stats().refused). If clients are real, raise "
                        + "HttpServerOptions.maxConnections (and the process's open-file limit); if not, limit them "
                        + "before they reach this server", localAddress(), options.maxConnections(), told,
                        channel.getRemoteAddress());
            }
            try (channel) {
                if (options.tcp().tlsServer() == null) {
                    channel.write(ByteBuffer.wrap(TOO_MANY)); // under TLS a plaintext answer would be garbage: the close says it
                }
            } catch (IOException e) {
                // the client went away first: refused all the same
                LOG.debug("HTTP server on {}: refusing a connection failed", localAddress(), e);
            }
            options.tcp().acceptGate().released(); // once: this path throws nothing to the acceptor
            return;
        }
        HttpConnection connection = null;
        try {
            LoopState state = loops.computeIfAbsent(loop, l -> new LoopState(this, l));
            connection = new HttpConnection(state, loop, channel);
            state.add(connection);
        } catch (Throwable failure) {
            if (connection != null && connection.index >= 0) {
                connection.close(); // it was counted in: closing counts it out, closes and tells the gate
                loop.survived(failure, "setting up an HTTP connection");
                return;
            }
            open.decrementAndGet(); // not counted in yet: the socket and the gate are the caller's
            throw failure;
        }
        try {
            connection.attach();
        } catch (IOException e) {
            // closing it removes it, which releases it: not the acceptor's failure any more
            LOG.debug("HTTP server on {}: a connection failed as it was set up", localAddress(), e);
            connection.close();
            return;
        }
        if (shuttingDown) {
            connection.drain(); // accepted as the listener closed
        }
    }

    /** Loop-confined. This server's connections on one loop, its encoder and output buffer, and the timeout sweep. */
    static final class LoopState {
        final HttpServer server;
        final ResponseEncoder encoder = new ResponseEncoder();
        /**
         * Where answers are staged: direct for plaintext (the kernel writes it without a copy), heap
         * under TLS (the JDK's engine encrypts from heap buffers faster; its records go on the wire).
         */
        final ByteBuffer out;
        private final IoLoop loop;
        private final List<HttpConnection> connections = new ArrayList<>();
        private boolean sweeping;

        LoopState(HttpServer server, IoLoop loop) {
            this.server = server;
            this.loop = loop;
            this.out = server.secure() ? ByteBuffer.allocate(64 * 1024) : ByteBuffer.allocateDirect(64 * 1024);
        }

        void add(HttpConnection connection) {
            connection.index = connections.size();
            connections.add(connection);
            if (!sweeping) {
                sweeping = true;
                loop.schedule(SWEEP_NANOS, this::sweep);
            }
        }

        void removed(HttpConnection connection) {
            int i = connection.index;
            if (i < 0 || i >= connections.size() || connections.get(i) != connection) {
                return;
            }
            HttpConnection last = connections.removeLast();
            if (last != connection) {
                connections.set(i, last);
                last.index = i;
            }
            connection.index = -1;
            server.open.decrementAndGet();
            server.options.tcp().acceptGate().released();
            server.checkDrained();
        }

        /** Drains every connection on this loop; closes what is left after {@code graceNanos}. */
        void drain(long graceNanos) {
            loop.schedule(graceNanos, () -> {
                for (int i = connections.size() - 1; i >= 0; i--) {
                    if (i < connections.size()) {
                        connections.get(i).close();
                    }
                }
            });
            for (int i = connections.size() - 1; i >= 0; i--) {
                if (i < connections.size()) {
                    HttpConnection connection = connections.get(i);
                    guarded(connection, "draining", () -> connection.drain());
                }
            }
        }

        /** Every connection's timeouts; a connection whose sweep fails is closed, and the sweep goes on. */
        private void sweep() {
            long now = System.nanoTime();
            try {
                for (int i = connections.size() - 1; i >= 0; i--) {
                    if (i < connections.size()) {
                        HttpConnection connection = connections.get(i);
                        guarded(connection, "sweeping", () -> connection.sweep(now));
                    }
                }
            } finally {
                if (connections.isEmpty()) {
                    sweeping = false;
                } else {
                    loop.schedule(SWEEP_NANOS, this::sweep);
                }
            }
        }

        /** Runs {@code work} for {@code connection}; if it throws (even an Error), the loop counts it and the connection closes. */
        private void guarded(HttpConnection connection, String what, Runnable work) {
            try {
                work.run();
            } catch (Throwable failure) {
                loop.survived(failure, what + " an HTTP connection");
                connection.close();
            }
        }
    }
}
