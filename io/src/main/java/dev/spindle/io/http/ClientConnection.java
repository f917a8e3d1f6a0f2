package dev.spindle.io.http;

import dev.spindle.io.http.HttpClientEvent.Failure;
import dev.spindle.io.internal.IoLoop;
import dev.spindle.io.internal.SocketWire;
import dev.spindle.io.internal.TcpChannel;
import dev.spindle.io.internal.TlsSetups;
import dev.spindle.io.internal.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Loop-confined. One client connection of a {@link HostPool}: connects, then, as the protocol
 * handler on its {@link Transport} (which owns the socket, the bytes it has not taken, and TLS for
 * {@code https}), writes requests in the order sent and matches responses to them in that order
 * (HTTP/1.1 has no other way).
 *
 * <pre>
 *   HostPool ──send──▶ inFlight (in order) ──encode──▶ unwritten ──write──▶ socket
 *   socket ──read──▶ loop buffer ──ResponseParser──▶ front exchange ──tell──▶ receiver
 *                          │ streamed, nothing asked for: rest copied to held, reading stops
 * </pre>
 *
 * <p>Backpressure: a streamed response takes body bytes only while its receiver has asked for
 * chunks; otherwise what is left of the read is kept in {@link #held} (at most one read) and
 * {@code OP_READ} is dropped until demand arrives, so the kernel's window closes on the server.
 */
final class ClientConnection implements IoLoop.Ready, IoLoop.Closeable, Transport.Handler {

    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    private final HostPool pool;
    private final IoLoop loop;
    private final HttpClientOptions options;
    private final SocketChannel channel;
    private final ResponseParser parser;
    private final ArrayDeque<ClientExchange> inFlight = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> unwritten = new ArrayDeque<>();
    private final List<ByteBuffer> staging = new ArrayList<>();
    /** The host asked for: what an {@code https} server's certificate must name, and the SNI sent. */
    private final String host;
    /** The connect's key, until the transport's wire takes it over. */
    private SelectionKey key;
    /** Made once connected; null before. */
    private Transport transport;
    private IoLoop.LoopTimer connectTimer;
    private IoLoop.LoopTimer idleTimer;
    private IoLoop.LoopTimer continueTimer;
    /** Sent its head with {@code Expect: 100-continue}; its body waits for the 100. */
    private ClientExchange bodyWaiting;
    /** Its body is written by the caller as it goes ({@link StreamedBody}) and has not ended. */
    private ClientExchange bodyStreaming;
    /** Bytes read but not parsed: a streamed receiver has not asked for more. Read mode, or null. */
    private ByteBuffer held;
    private ByteBuffer heldStore;
    private boolean connected;
    private boolean readingStopped;
    /** No request may be added: {@code Connection: close} either way, or a body not sent. */
    private boolean noMoreRequests;
    private boolean closed;
    private int responses;
    private InetSocketAddress remote;

    ClientConnection(HostPool pool, String host) throws IOException {
        this.pool = pool;
        this.host = host;
        this.loop = pool.loop;
        this.options = pool.options;
        this.channel = SocketChannel.open();
        this.parser = new ResponseParser(options.maxHeadSize(), options.maxHeaders());
    }

    // ---- connecting -----------------------------------------------------------------------------

    /** Connects to {@code address}, resolved already. */
    void connect(InetSocketAddress address) {
        assert loop.inLoop();
        remote = address;
        if (closed) {
            return;
        }
        try {
            TcpChannel.configure(channel, options.tcp());
            if (channel.connect(address)) {
                key = loop.register(channel, 0, this);
                socketConnected();
                return;
            }
            key = loop.register(channel, SelectionKey.OP_CONNECT, this);
            long millis = options.tcp().connectTimeout().toMillis();
            connectTimer = loop.schedule(options.tcp().connectTimeout().toNanos(), () -> connectFailed(
                    Failure.CONNECT_TIMEOUT, new SocketTimeoutException("connect to " + address + " timed out after " + millis + " ms")));
        } catch (IOException e) {
            connectFailed(Failure.CONNECT_FAILED, e);
        }
    }

    /** The address could not be resolved (or the pool is shutting down). */
    void connectFailed(Failure failure, IOException cause) {
        if (closed || connected) {
            return;
        }
        close(failure, cause, false);
    }

    /** The socket is connected: the transport takes it over (and, for {@code https}, shakes hands first). */
    private void socketConnected() throws IOException {
        transport = new Transport(loop, new SocketWire(loop, channel, key), null,
                pool.tls == null ? null : TlsSetups.client(pool.tls, host, remote));
        transport.start(this);
    }

    @Override
    public void onOpen() {
        connected();
    }

    private void connected() {
        connected = true;
        if (connectTimer != null) {
            connectTimer.cancel();
        }
        if (bodyWaiting != null) {
            startContinueTimer(); // the wait for 100 starts when the head can go, not during the connect
        }
        flush();
    }

    private void startContinueTimer() {
        ClientExchange exchange = bodyWaiting;
        continueTimer = loop.schedule(options.continueTimeout().toNanos(), () -> sendBody(exchange));
    }

    /** The connect's readiness (afterwards the key belongs to the transport's wire). */
    @Override
    public void onReady(SelectionKey selected) {
        try {
            if (channel.finishConnect()) {
                socketConnected();
            }
        } catch (IOException e) {
            connectFailed(Failure.CONNECT_FAILED, e);
        }
    }

    // ---- sending --------------------------------------------------------------------------------

    /** {@return whether {@code exchange} may be sent here now} */
    boolean accepts(ClientExchange exchange) {
        if (closed || noMoreRequests || bodyWaiting != null || bodyStreaming != null) {
            return false;
        }
        if (inFlight.isEmpty()) {
            return true;
        }
        // A request that waits for 100 Continue goes alone: a 100 must not be mistaken for another's.
        return !exchange.request.expectContinue() && inFlight.size() < options.maxPipelined();
    }

    boolean idle() {
        return !closed && !noMoreRequests && inFlight.isEmpty();
    }

    int inFlightCount() {
        return inFlight.size();
    }

    void send(ClientExchange exchange) {
        assert loop.inLoop();
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
        exchange.connection = this;
        exchange.lostUnanswered = responses > 0;
        inFlight.addLast(exchange);
        exchange.startTimer(loop, options.responseTimeout().toNanos(), () -> timedOut(exchange));
        ClientRequest request = exchange.request;
        unwritten.add(ByteBuffer.wrap(request.encodeHead()));
        if (request.expectContinue()) {
            bodyWaiting = exchange;
            if (connected) {
                startContinueTimer();
            }
        } else {
            startBody(exchange);
        }
        if (request.asksToClose()) {
            noMoreRequests = true;
        }
        flush();
    }

    private void startBody(ClientExchange exchange) {
        if (exchange.upload != null) {
            bodyStreaming = exchange; // its chunks go out as they come, from flush
        } else {
            exchange.request.encodeBody(staging);
            unwritten.addAll(staging);
            staging.clear();
        }
    }

    /** More chunks of {@code exchange}'s written body were queued. */
    void pumpBody(ClientExchange exchange) {
        if (!closed && bodyStreaming == exchange) {
            flush();
        }
    }

    /** Moves the next chunk of the written body to {@link #unwritten}: {@return whether there was one} */
    private boolean pumpOne() {
        int result = bodyStreaming.upload.next(staging);
        if (result == StreamedBody.NOTHING) {
            return false;
        }
        unwritten.addAll(staging);
        staging.clear();
        if (result == StreamedBody.END) {
            bodyStreaming = null;
            // Later: this may run inside the pool's own dispatch.
            loop.execute(pool::dispatch);
        }
        return true;
    }

    /** The 100 came, or the wait for it ended: the body goes. */
    private void sendBody(ClientExchange exchange) {
        if (closed || bodyWaiting != exchange) {
            return;
        }
        bodyWaiting = null;
        if (continueTimer != null) {
            continueTimer.cancel();
        }
        startBody(exchange);
        flush();
        pool.dispatch();
    }

    private void flush() {
        if (closed || !connected) {
            return;
        }
        do {
            for (ByteBuffer next; (next = unwritten.pollFirst()) != null; ) {
                transport.queue(next);
            }
            if (!transport.flush()) {
                return; // the kernel's buffer is full (onFlushed comes), or the connection closed
            }
            // The socket took everything: a written body's next chunk may go.
        } while (bodyStreaming != null && pumpOne());
        updateInterest();
    }

    @Override
    public void onFlushed() {
        flush();
    }

    private void updateInterest() {
        if (!closed && connected) {
            transport.setReading(!readingStopped);
        }
    }

    // ---- receiving ------------------------------------------------------------------------------

    @Override
    public void onRead(ByteBuffer in) {
        ClientExchange front = inFlight.peekFirst();
        if (front != null) {
            front.responseStarted = true;
        }
        consume(in);
    }

    @Override
    public void onPeerFin() {
        serverGone(null);
    }

    /** The transport closed: before the handshake ended (a failed one), or under us (a reset, an error). */
    @Override
    public void onClosed(IOException cause) {
        if (closed) {
            return;
        }
        if (!connected) {
            close(pool.tls != null ? Failure.TLS_FAILED : Failure.CONNECT_FAILED, cause != null ? cause
                    : new IOException("connection to " + remote + " closed before it was ready"), false);
        } else {
            serverGone(cause != null ? cause : new IOException("connection to " + remote + " closed"));
        }
    }

    @Override
    public void onLoopShutdown() {
        closeOnShutdown();
    }

    private void consume(ByteBuffer in) {
        assert loop.inLoop();
        while (!closed) {
            ClientExchange exchange = inFlight.peekFirst();
            if (exchange == null) {
                if (in.hasRemaining()) {
                    LOG.debug("{}: {} bytes with no request in flight; closing", this, in.remaining());
                    close(Failure.MALFORMED_RESPONSE, new IOException("bytes from " + remote + " with no request in flight"),
                            false);
                }
                return;
            }
            int result = parser.parse(in, exchange.isHead(), exchange.wantsBody());
            switch (result) {
                case ResponseParser.NEED_MORE -> {
                    return;
                }
                case ResponseParser.BLOCKED -> {
                    hold(in);
                    return;
                }
                case ResponseParser.CONTINUE -> sendBody(exchange);
                case ResponseParser.HEAD -> {
                    if (bodyWaiting == exchange) {
                        // A final status instead of 100: the body is not sent, and the server may
                        // still be waiting for it, so the connection ends after this response.
                        bodyWaiting = null;
                        if (continueTimer != null) {
                            continueTimer.cancel();
                        }
                        noMoreRequests = true;
                    } else if (bodyStreaming == exchange) {
                        // Answered before the written body ended: the rest is not sent.
                        bodyStreaming = null;
                        exchange.upload.close();
                        noMoreRequests = true;
                    }
                    if (!exchange.onHead(parser, options.maxBodySize())) {
                        failFront(Failure.LIMIT_EXCEEDED, "response body of " + parser.contentLength
                                + " bytes is larger than " + options.maxBodySize());
                        return;
                    }
                }
                case ResponseParser.BODY -> {
                    if (!exchange.onBody(in, parser.bodyStart, parser.bodyLength, options.maxBodySize())) {
                        failFront(Failure.LIMIT_EXCEEDED, "response body larger than " + options.maxBodySize() + " bytes");
                        return;
                    }
                }
                case ResponseParser.DONE -> responseDone(exchange);
                default -> {
                    failFront(parser.limitExceeded() ? Failure.LIMIT_EXCEEDED : Failure.MALFORMED_RESPONSE,
                            parser.errorReason());
                    return;
                }
            }
        }
    }

    private void responseDone(ClientExchange exchange) {
        inFlight.pollFirst();
        responses++;
        if (!parser.keepAlive) {
            noMoreRequests = true;
        }
        exchange.complete();
        if (closed) {
            return;
        }
        if (noMoreRequests) {
            if (inFlight.isEmpty()) {
                close(null, null, false);
            } else {
                // Sent, but the server said it answers no more on this connection.
                for (ClientExchange unanswered : inFlight) {
                    unanswered.lostUnanswered = true;
                }
                close(Failure.CLOSED_EARLY, new IOException(remote + " closed the connection (Connection: close)"
                        + " before answering this request"), true);
            }
        } else if (inFlight.isEmpty()) {
            pool.released(this);
        } else {
            pool.dispatch();
        }
    }

    /** The front exchange gets {@code failure}; the connection cannot be trusted any more and closes. */
    private void failFront(Failure failure, String reason) {
        ClientExchange front = inFlight.pollFirst();
        IOException cause = new IOException(reason + " (from " + remote + ")");
        LOG.debug("{}: {}", this, reason);
        if (front != null) {
            front.fail(failure, cause);
        }
        close(Failure.CLOSED_EARLY, new IOException("connection to " + remote + " closed after an earlier response failed: "
                + reason), false);
    }

    /** The server closed (cause null) or reset the connection. */
    private void serverGone(IOException cause) {
        ClientExchange front = inFlight.peekFirst();
        if (front != null && cause == null && transport.truncated()) {
            // Under TLS an end without close_notify may be an attacker's cut: a body delimited by the close is not trusted.
            cause = new EOFException(remote + " closed the TLS connection without close_notify: the response may be cut short");
        }
        if (front != null && cause == null && parser.finishAtClose() == ResponseParser.DONE) {
            // A body delimited by the close is complete.
            responseDone(front);
            if (closed) {
                return;
            }
        }
        close(Failure.CLOSED_EARLY, cause != null ? cause
                : new EOFException(remote + " closed the connection before the response was complete"), true);
    }

    private void timedOut(ClientExchange exchange) {
        if (closed || !inFlight.remove(exchange)) {
            return;
        }
        exchange.fail(Failure.RESPONSE_TIMEOUT, new SocketTimeoutException("no " + (exchange.streaming ? "response head" : "complete response")
                + " from " + remote + " within " + options.responseTimeout().toMillis() + " ms"));
        close(Failure.CLOSED_EARLY, new IOException("connection to " + remote + " closed after an earlier request timed out"),
                true);
    }

    /** Keeps what is left of {@code in} until the receiver asks for more, and stops reading. */
    private void hold(ByteBuffer in) {
        if (in != held) {
            if (heldStore == null || heldStore.capacity() < in.remaining()) {
                heldStore = ByteBuffer.allocate(Math.max(in.remaining(), 16 * 1024));
            }
            heldStore.clear();
            heldStore.put(in).flip();
            held = heldStore;
        }
        readingStopped = true;
        updateInterest();
    }

    /** The receiver of a streamed response asked for more: parse what waited, then read again. */
    void demandArrived(ClientExchange exchange) {
        assert loop.inLoop();
        if (closed || inFlight.peekFirst() != exchange) {
            return;
        }
        if (held != null) {
            ByteBuffer waiting = held;
            consume(waiting);
            if (waiting.hasRemaining()) {
                return; // blocked again
            }
            held = null;
        }
        if (readingStopped) {
            readingStopped = false;
            updateInterest();
        }
    }

    /** {@return the bytes read and waiting for a receiver's demand} */
    int heldBytes() {
        return held == null ? 0 : held.remaining();
    }

    /** A streamed exchange was cancelled: its response cannot be skipped cheaply, so the connection ends. */
    void abandon(ClientExchange exchange) {
        if (closed) {
            return;
        }
        inFlight.remove(exchange);
        close(Failure.CLOSED_EARLY, new IOException("connection to " + remote + " closed: an earlier response was cancelled"),
                true);
    }

    // ---- idle and closing -----------------------------------------------------------------------

    void startIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        idleTimer = loop.schedule(options.idleTimeout().toNanos(), () -> {
            if (idle()) {
                close(null, null, false);
            }
        });
    }

    /**
     * Closes at once. Exchanges still in flight fail with {@code failure}, or, if {@code mayRetry}
     * and nothing of their response came, go back to the pool once (idempotent requests sent on a
     * reused connection that the server had closed meanwhile).
     */
    void close(Failure failure, IOException cause, boolean mayRetry) {
        assert loop.inLoop();
        if (closed) {
            return;
        }
        closed = true;
        if (transport != null) {
            transport.close(null);
        } else {
            IoLoop.release(key, channel);
        }
        for (IoLoop.LoopTimer timer : new IoLoop.LoopTimer[] {connectTimer, idleTimer, continueTimer}) {
            if (timer != null) {
                timer.cancel();
            }
        }
        unwritten.clear();
        held = null;
        bodyStreaming = null;
        List<ClientExchange> retry = new ArrayList<>();
        for (ClientExchange exchange; (exchange = inFlight.pollFirst()) != null; ) {
            if (mayRetry && exchange.retriable()) {
                retry.add(exchange);
            } else {
                exchange.fail(failure, cause);
            }
        }
        pool.removed(this, retry);
    }

    @Override
    public void closeOnShutdown() {
        pool.shutdown(new IOException("io runtime shut down"));
    }

    @Override
    public void closeOnFailure(Throwable failure) {
        close(HttpClientEvent.Failure.CLOSED_EARLY, new IOException("the io loop failed handling this connection: " + failure,
                failure), false);
    }

    @Override
    public String toString() {
        return "ClientConnection[" + remote + ", " + inFlight.size() + " in flight]";
    }
}
