package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.io.Io;
import dev.spindle.io.internal.Internals;
import dev.spindle.io.internal.IoRuntime;
import dev.spindle.io.internal.Recipient;
import dev.spindle.io.internal.Recipients;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Thread-safe. An HTTP/1.1 client (RFC 9112) on an {@link Io}'s loops: an actor asks with
 * {@link #send} and never waits; the response comes back to the {@link ActorRef} it gave, as an
 * {@link HttpClientEvent}. Keep-alive connections are pooled per host and port, optionally
 * pipelined; {@link #stream} delivers a large body in chunks at the receiver's pace.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.create(io, HttpClientOptions.defaults());
 * client.send(ClientRequest.get("http://127.0.0.1:8080/hello"), ctx.self());
 * ...
 * case HttpClientEvent.Response(var request, int status, var headers, byte[] body) -> ...
 * case HttpClientEvent.Failed(var request, var failure, var cause) -> ...
 * }</pre>
 *
 * <p>Threads: each host's pool lives on one loop, chosen when the host is first asked for; its
 * connections, parsing and timers run there and never run user code. Responses on one connection
 * come back in the order the requests were sent; across connections, in any order.
 */
public final class HttpClient implements AutoCloseable {

    final HttpClientOptions options;
    private final IoRuntime runtime;
    private final ConcurrentHashMap<String, HostPool> pools = new ConcurrentHashMap<>();
    /** The TLS context of {@code https} requests: the options', or one trusting the JDK's CAs, made at the first. */
    private final java.util.concurrent.atomic.AtomicReference<dev.spindle.io.tls.TlsClientContext> tls =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean closed;

    private HttpClient(Io io, HttpClientOptions options) {
        this.runtime = Internals.runtime(io);
        this.options = options;
    }

    public static HttpClient create(Io io, HttpClientOptions options) {
        return new HttpClient(Objects.requireNonNull(io, "io"), Objects.requireNonNull(options, "options"));
    }

    /** Sends {@code request}; {@code replyTo} gets one {@link HttpClientEvent.Response} or one {@link HttpClientEvent.Failed}. */
    public void send(ClientRequest request, ActorRef<? super HttpClientEvent> replyTo) {
        submit(request, Recipients.direct(replyTo), false);
    }

    /** Like {@link #send(ClientRequest, ActorRef)}, for an actor whose protocol wraps {@link HttpClientEvent}s. */
    public <M> void send(ClientRequest request, ActorRef<M> replyTo, Function<? super HttpClientEvent, ? extends M> adapter) {
        submit(request, Recipients.adapted(replyTo, adapter), false);
    }

    /**
     * Sends {@code request} and streams its response: {@code replyTo} gets
     * {@link HttpClientEvent.ResponseHead}, then one {@link HttpClientEvent.BodyChunk} per chunk
     * asked for with {@link ResponseStream#request} (one is asked for already), then
     * {@link HttpClientEvent.ResponseEnd}; or {@link HttpClientEvent.Failed} at any point.
     */
    public void stream(ClientRequest request, ActorRef<? super HttpClientEvent> replyTo) {
        submit(request, Recipients.direct(replyTo), true);
    }

    public <M> void stream(ClientRequest request, ActorRef<M> replyTo, Function<? super HttpClientEvent, ? extends M> adapter) {
        submit(request, Recipients.adapted(replyTo, adapter), true);
    }

    /**
     * Sends {@code request} (which must have no body of its own) with a body the caller writes as
     * it goes, chunked, through the writer returned; {@code replyTo} gets
     * {@link HttpClientEvent.BodyDrained} when a full writer may write again, then the response as
     * with {@link #send}. A request whose body is written this way is never retried.
     */
    public RequestBodyWriter upload(ClientRequest request, ActorRef<? super HttpClientEvent> replyTo) {
        return upload(request, Recipients.direct(replyTo));
    }

    public <M> RequestBodyWriter upload(ClientRequest request, ActorRef<M> replyTo,
            Function<? super HttpClientEvent, ? extends M> adapter) {
        return upload(request, Recipients.adapted(replyTo, adapter));
    }

    private RequestBodyWriter upload(ClientRequest request, Recipient<HttpClientEvent, ?> replyTo) {
        if (Objects.requireNonNull(request, "request").hasBody()) {
            throw new IllegalArgumentException("an upload's body is written through its writer: " + request);
        }
        ClientExchange exchange = exchange(request.withStreamedBody(), replyTo, false);
        exchange.upload = new StreamedBody(exchange, options.tcp());
        submit(exchange);
        return exchange.upload;
    }

    private void submit(ClientRequest request, Recipient<HttpClientEvent, ?> replyTo, boolean streaming) {
        submit(exchange(Objects.requireNonNull(request, "request"), replyTo, streaming));
    }

    private ClientExchange exchange(ClientRequest request, Recipient<HttpClientEvent, ?> replyTo, boolean streaming) {
        HostPool pool = pools.computeIfAbsent((request.secure() ? "https://" : "http://") + request.host() + ":" + request.port(),
                key -> new HostPool(this, runtime.nextLoop(), request.host(), request.port(),
                        request.secure() ? tls() : null));
        return new ClientExchange(pool, request, replyTo, streaming);
    }

    private void submit(ClientExchange exchange) {
        if (closed || runtime.isClosed()) {
            exchange.fail(HttpClientEvent.Failure.CLIENT_CLOSED, new IOException(closed ? "the HTTP client is closed"
                    : "the io runtime is closed"));
            return;
        }
        // A hand-off through the loop's queue: everything set on the exchange so far happens-before the loop sees it.
        exchange.pool.loop.execute(() -> exchange.pool.submit(exchange));
    }

    /** {@return connections open or opening now, to all hosts} */
    public int openConnections() {
        return open.get();
    }

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        open.decrementAndGet();
    }

    /** For tests: the bytes read and held for streamed receivers that have not asked for more (asks each loop, waits). */
    int heldBytes() throws Exception {
        int sum = 0;
        for (HostPool pool : pools.values()) {
            CompletableFuture<Integer> held = new CompletableFuture<>();
            pool.loop.execute(() -> held.complete(pool.heldBytes()));
            sum += held.get(10, TimeUnit.SECONDS);
        }
        return sum;
    }

    /**
     * Fails what waits or is in flight ({@link HttpClientEvent.Failure#CLIENT_CLOSED}) and closes
     * every connection; later requests fail at once. Closing the {@link Io} does the same for the
     * connections it owns (a request still waiting for a name lookup then gets no answer).
     */
    @Override
    public void close() {
        closed = true;
        IOException cause = new IOException("the HTTP client is closed");
        for (HostPool pool : pools.values()) {
            pool.loop.execute(() -> pool.shutdown(cause));
        }
    }

    /** {@return the TLS context {@code https} requests use} */
    private dev.spindle.io.tls.TlsClientContext tls() {
        dev.spindle.io.tls.TlsClientContext context = tls.get();
        if (context == null) {
            // Made without a lock (it reads the JDK's trust store): two first requests may both make one; one wins.
            context = options.tcp().tlsClient() != null ? options.tcp().tlsClient()
                    : dev.spindle.io.tls.TlsClientContext.create(dev.spindle.io.tls.TlsClientOptions.defaults());
            if (!tls.compareAndSet(null, context)) {
                context = tls.get();
            }
        }
        return context;
    }

    /** {@return what this client's TLS handshakes came to so far (its TLS context's); all zero before its first https request} */
    public dev.spindle.io.tls.TlsStats tlsStats() {
        dev.spindle.io.tls.TlsClientContext context = tls.get();
        return context == null ? dev.spindle.io.tls.TlsStats.none() : context.stats();
    }
}
