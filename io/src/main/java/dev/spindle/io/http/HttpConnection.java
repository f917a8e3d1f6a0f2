package dev.spindle.io.http;

import dev.spindle.io.internal.IoLoop;
import dev.spindle.io.internal.Recipient;
import dev.spindle.io.internal.SocketWire;
import dev.spindle.io.internal.TlsSetups;
import dev.spindle.io.internal.Transport;
import dev.spindle.io.tls.TlsInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loop-confined, except {@link #answered}. One HTTP/1.1 server connection: the protocol handler on
 * its {@link Transport} (which owns the socket, the queue of bytes the socket has not taken, TLS,
 * the half-close and the linger). What is read is parsed in the loop's buffer, each request goes to
 * its route's actor, and answers are written in request order as they are published.
 *
 * <pre>
 *   socket ──read──▶ loop buffer ──parse──▶ HttpRequest ──tell──▶ route's actor (virtual thread)
 *                                               │ in flight, in order        │ respond(...)
 *   socket ◀─write── loop's out buffer ◀─encode─┘ ◀── answered flag + flush task ◀┘
 * </pre>
 *
 * <p>Flow control: at most {@code maxPipelined} requests are in flight; past that, reading stops
 * and unparsed bytes wait here until answers go out. Answers are encoded only while nothing waits
 * for the socket, so a client that does not read holds at most one batch of answers here, and
 * its requests stay in flight, which stops reading too.
 */
final class HttpConnection implements Transport.Handler, HttpConnectionSink, RequestParser.Heads {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnection.class);
    /** After the last answer of a closing connection: how long to wait for the client's FIN before closing anyway. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Recycled requests a connection keeps for its next ones (each with its head and body arrays). */
    private static final int FREE_REQUESTS = 4;

    private final HttpServer.LoopState state;
    private final IoLoop loop;
    private final Transport transport;
    private final HttpServerOptions options;
    private final RequestParser parser;
    private final ArrayDeque<HttpRequest> inFlight = new ArrayDeque<>();
    private final ArrayDeque<HttpRequest> free = new ArrayDeque<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final Runnable flushTask = this::flushFromTask;
    /** The request being parsed. */
    private HttpRequest current;
    /** The request whose body is being streamed (it is {@link #current} and in flight), and that body. */
    private HttpRequest bodyRequest;
    private StreamedRequestBody body;
    /** A request whose {@code 100 Continue} waits for the answers before it, or null. */
    private HttpRequest continueOwed;
    /** Bytes read but not parsed yet, while too many requests are in flight. */
    private ByteBuffer unparsed;
    private boolean readingPaused;
    /** No more requests are parsed: an error, {@code Connection: close}, or the client's FIN. */
    private boolean noMoreRequests;
    /** The server is shutting down: the next request dispatched (or the last in flight) is the last. */
    private boolean draining;
    /** How long a connection may sit idle while the server shuts down before the sweep closes it. */
    static final long DRAIN_IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private boolean outputShut;
    private boolean closed;
    long lastActivity;
    private long headStarted;
    /** The server waits for body bytes of the request in progress, since {@link #bodyWaitStarted}. */
    private boolean bodyExpected;
    private long bodyWaitStarted;
    /**
     * The loop saw a streamed body's reader ask for nothing; cleared, with the clock restarted, by
     * the loop's {@code bodyDemand} task. Loop-owned, unlike the reader's demand, which another
     * thread raises before that task runs: a sweep in between would judge a stale clock.
     */
    private boolean readerPaused;
    /** What the transport's bytes read and written were when last added to the server's counts. */
    private long readCounted;
    private long writtenCounted;
    /** What the bytes written were when the sweep last saw answers waiting for the socket, and since when. */
    private long writtenAtSweep;
    private long stalledSince;
    private boolean stalled;
    int index;

    /**
     * The bytes a plaintext client gets on a TLS port, in the clear, before the close: it speaks
     * HTTP, so it can be told (curl shows it).
     */
    private static final byte[] PLAINTEXT_ON_TLS_PORT = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Connection: close\r\nContent-Length: 41\r\n\r\nThis port speaks HTTPS: use https:// URLs\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    HttpConnection(HttpServer.LoopState state, IoLoop loop, SocketChannel channel) throws IOException {
        this.state = state;
        this.loop = loop;
        this.options = state.server.options;
        SocketWire wire = new SocketWire(loop, channel, null);
        this.transport = new Transport(loop, wire, null,
                TlsSetups.server(options.tcp().tlsServer(), wire.remoteAddress(), PLAINTEXT_ON_TLS_PORT));
        this.parser = new RequestParser(options, this);
        this.lastActivity = System.nanoTime();
    }

    void attach() throws IOException {
        transport.start(this);
    }

    @Override
    public void onOpen() {
        lastActivity = System.nanoTime();
        updateInterest();
    }

    // ---- reading --------------------------------------------------------------------------------

    @Override
    public void onRead(ByteBuffer in) {
        lastActivity = System.nanoTime();
        if (outputShut) {
            in.position(in.limit());
            return; // lingering after our last answer: discard
        }
        if (bodyExpected && body != null) {
            bodyWaitStarted = lastActivity; // a streamed body's clock runs from its latest bytes
        }
        consume(in);
        flush();
    }

    @Override
    public void onPeerFin() {
        if (outputShut || (inFlight.isEmpty() && !parser.inProgress() && !transport.hasQueued())) {
            close();
            return;
        }
        if (body != null) {
            body.fail(new IOException("the client closed the connection before the body ended"));
        }
        for (HttpRequest request : inFlight) {
            if (request.answered && request.response.stream != null) {
                // A stream has no end of its own in sight (Server-Sent Events): as Node does, a
                // client that ends its side ends the connection, and the writer hears it.
                close();
                return;
            }
        }
        // Answer what was asked, then close (a request cut short gets nothing).
        noMoreRequests = true;
        readingPaused = true;
        updateInterest();
        flush();
    }

    private void consume(ByteBuffer in) {
        while (in.hasRemaining() && !noMoreRequests) {
            if (current == null) {
                if (inFlight.size() >= options.maxPipelined() || transport.hasQueued()) {
                    // Too many in flight, or the client is not taking its answers: no new request
                    // is started until it does (the bytes wait, and TCP slows the client).
                    keepUnparsed(in);
                    return;
                }
                current = obtain();
            }
            if (!parser.inProgress()) {
                headStarted = System.nanoTime();
            }
            int result = parser.parse(in, current);
            if (parser.headComplete() && parser.inProgress()) {
                if (!bodyExpected) {
                    bodyExpected = true;
                    bodyWaitStarted = System.nanoTime();
                    readerPaused = false;
                }
            } else {
                bodyExpected = false;
            }
            switch (result) {
                case RequestParser.COMPLETE -> {
                    HttpRequest request = current;
                    current = null;
                    if (request == bodyRequest) {
                        // A streamed body's end: its request went to its actor at the head.
                        if (draining) {
                            request.closeAfter = true;
                            noMoreRequests = true;
                        }
                        body.end(parser.streamedBytes());
                        bodyRequest = null;
                        body = null;
                    } else {
                        dispatch(request);
                    }
                }
                case RequestParser.EXPECT_CONTINUE -> {
                    // Only when nothing is owed before it: a 100 between two answers would corrupt
                    // the stream. A streamed body's 100 waits for its reader (bodyReaderRegistered).
                    if (inFlight.isEmpty() && !transport.hasQueued()) {
                        writeDirect(ResponseEncoder.CONTINUE);
                    } else if (body == null) {
                        continueOwed = current; // sent once the answers before it are out (flush)
                    }
                }
                case RequestParser.BODY_PAUSED -> {
                    // The body's reader has asked for nothing more: the rest waits here, unread.
                    readerPaused = true;
                    keepUnparsed(in);
                    return;
                }
                case RequestParser.ERROR -> fail(parser.errorStatus(), parser.errorReason());
                default -> {
                }
            }
        }
        if (body != null && !body.wantsBytes() && !readingPaused) {
            readerPaused = true;
            readingPaused = true; // nothing asked for: TCP slows the client down
            updateInterest();
        }
    }

    /** The parser has a head with a body: a streaming route gets the request now, and its body as asked. */
    @Override
    public RequestParser.BodySink bodyOf(HttpRequest request) {
        Router.Route route = state.server.router.route(request);
        request.route = route;
        if (!route.streamsBody) {
            return null;
        }
        request.tls = transport.tlsInfo();
        StreamedRequestBody streamed = new StreamedRequestBody(this, loop);
        request.bodyStream = streamed;
        bodyRequest = request;
        body = streamed;
        dispatch(request);
        return streamed;
    }

    /** Loop: the reader of {@code streamed} registered: a 100 Continue if it is owed and may go now, then read. */
    void bodyReaderRegistered(StreamedRequestBody streamed) {
        if (closed || streamed != body) {
            return;
        }
        if (bodyRequest.expectContinue) {
            if (inFlight.peekFirst() == bodyRequest && !transport.hasQueued()) {
                writeDirect(ResponseEncoder.CONTINUE);
            } else {
                continueOwed = bodyRequest; // sent once the answers before it are out (flush)
            }
        }
        bodyDemand();
    }

    /** Loop: a streamed body's reader asked for more (or cancelled): parse what waits, read again. */
    void bodyDemand() {
        if (closed) {
            return;
        }
        readerPaused = false;
        if (bodyExpected) {
            bodyWaitStarted = System.nanoTime(); // the reader's pause was not the client's
        }
        resumeParsing();
    }

    private HttpRequest obtain() {
        HttpRequest request = free.pollFirst();
        if (request == null) {
            request = new HttpRequest();
        }
        request.sink = this;
        return request;
    }

    private void dispatch(HttpRequest request) {
        state.server.requests.increment();
        request.tls = transport.tlsInfo();
        request.started = headStarted;
        inFlight.addLast(request);
        if (draining) {
            request.closeAfter = true;
            noMoreRequests = true;
        }
        if (!request.keepAlive) {
            noMoreRequests = true;
        }
        Router.Route route = request.route != null ? request.route : state.server.router.route(request);
        request.route = route;
        if (route == Router.NOT_FOUND) {
            ResponseEncoder.fillError(request, 404, "no route for " + request.path(), false);
        } else if (route == Router.METHOD_NOT_ALLOWED) {
            ResponseEncoder.fillError(request, 405, request.methodName() + " not allowed on " + request.path(), false);
        } else {
            try {
                route.handler.accept(request);
            } catch (RuntimeException e) {
                // The route's adapter threw: the client gets a 500, the loop goes on.
                LOG.error("the adapter of the route for {} threw", request.path(), e);
                ResponseEncoder.fillError(request, 500, "internal error", false);
            }
        }
    }

    /** Bad input or a timeout: answer {@code status} after what is in flight, then close. */
    private void fail(int status, String reason) {
        LOG.debug("connection from {}: {} {}", remote(), status, reason);
        (status == 408 ? state.server.timedOut : state.server.rejected).increment();
        noMoreRequests = true;
        bodyExpected = false;
        if (body != null) {
            // A streamed body: its handler has the request and answers it (it hears why); no
            // answer of our own, which would be one answer too many. The connection ends after.
            body.fail(new IOException("the request body failed: " + status + " " + reason));
            bodyRequest.closeAfter = true;
            bodyRequest = null;
            body = null;
        } else {
            HttpRequest error = current != null ? current : obtain();
            error.reset();
            error.sink = this;
            error.started = headStarted;
            ResponseEncoder.fillError(error, status, reason, true);
            inFlight.addLast(error);
        }
        current = null;
        readingPaused = true;
        updateInterest();
    }

    private void keepUnparsed(ByteBuffer in) {
        ByteBuffer copy = ByteBuffer.allocate(in.remaining() + (unparsed == null ? 0 : unparsed.remaining()));
        if (unparsed != null) {
            copy.put(unparsed);
        }
        copy.put(in).flip();
        unparsed = copy;
        readingPaused = true;
        updateInterest();
    }

    // ---- answering ------------------------------------------------------------------------------

    /** The socket took what waited: answers held back for it go on. */
    @Override
    public void onFlushed() {
        flush();
    }

    @Override
    public void answered(HttpRequest request) {
        scheduleFlush();
    }

    @Override
    public StreamedAnswer newStream(Recipient<ResponseWriterEvent, ?> events, long declaredLength) {
        return new StreamedAnswer(this, loop, events, options.tcp(), declaredLength);
    }

    @Override
    public void streamed() {
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
            loop.execute(flushTask);
        }
    }

    private void flushFromTask() {
        flushScheduled.set(false);
        try {
            if (closed) {
                closeStreams(); // a stream may have started after the connection closed
            } else {
                flush();
            }
        } catch (Throwable failure) {
            // Half an answer may be on the wire: the connection cannot go on (the loop counts it).
            close();
            throw failure;
        }
    }

    /** The connection is closed: every streamed answer started so far hears it. */
    private void closeStreams() {
        for (HttpRequest request : inFlight) {
            // answered first (acquire): then the stream field is the answerer's.
            if (request.answered && request.response.stream != null && !request.response.stream.isClosed()) {
                request.response.stream.close(new IOException("the connection closed before the answer ended"));
            }
        }
    }

    /** Writes what the socket takes: first bytes left over, then answers in order while published. */
    private void flush() {
        if (closed) {
            return;
        }
        try {
            if (transport.hasQueued() && !transport.flush()) {
                return; // the socket is full: the transport says when it has taken the rest (onFlushed)
            }
            ByteBuffer out = state.out.clear();
            boolean closeNow = false;
            HttpRequest head;
            while ((head = inFlight.peekFirst()) != null && head.answered) {
                // Before its head is encoded: an answer that ends the connection says so.
                boolean last = endsConnection(head);
                StreamedAnswer stream = head.response.stream;
                if (stream != null) {
                    if (!flushStream(head, stream, out)) {
                        break; // it waits for writes or for the socket, or the connection closed
                    }
                    inFlight.pollFirst();
                    recycle(head);
                    if (last || transport.hasQueued()) {
                        closeNow = last;
                        break;
                    }
                    continue;
                }
                int headSize = ResponseEncoder.headSize(head);
                byte[] body = ResponseEncoder.hasBody(head) ? head.response.body : HttpRequest.EMPTY;
                if (out.remaining() < headSize + Math.min(body.length, 1024) && out.position() > 0) {
                    if (!writeOut(out)) {
                        return;
                    }
                    out.clear();
                }
                if (out.remaining() < headSize) {
                    LOG.error("an answer's headers do not fit in {} bytes; closing {}", out.capacity(), remote());
                    close();
                    return;
                }
                state.encoder.encodeHead(head, out);
                inFlight.pollFirst();
                if (body.length <= out.remaining()) {
                    out.put(body);
                } else {
                    // A big body: what is staged, then the body straight from the actor's array.
                    if (!writeOut(out)) {
                        transport.queue(ByteBuffer.wrap(body));
                        recycle(head);
                        closeNow = last;
                        break;
                    }
                    out.clear();
                    if (!transport.write(ByteBuffer.wrap(body))) {
                        recycle(head);
                        closeNow = last;
                        break;
                    }
                }
                recycle(head);
                if (last) {
                    closeNow = true;
                    break;
                }
            }
            if (closed) {
                return; // a stream aborted the connection
            }
            if (!transport.hasQueued() && out.position() > 0 && !writeOut(out)) {
                closeAfterWriteIfNeeded(closeNow);
                return;
            }
            if (transport.hasQueued()) {
                closeAfterWriteIfNeeded(closeNow);
                updateInterest();
                return;
            }
            if (closeNow) {
                finish();
                return;
            }
            if (noMoreRequests && inFlight.isEmpty()) {
                finish();
                return;
            }
            sendOwedContinue();
            resumeParsing();
        } catch (IOException e) {
            close();
        }
    }

    /**
     * Moves what {@code stream} has queued into {@code out} (its head first, the first time), as
     * chunks unless it declared a length; on its end, the last chunk.
     *
     * @return {@code true} if the stream is over and its request done (bytes may wait in
     *         in the transport's queue); {@code false} if it waits for writes or for the socket, or the
     *         connection was closed
     */
    private boolean flushStream(HttpRequest head, StreamedAnswer stream, ByteBuffer out) throws IOException {
        if (stream.aborted()) {
            abort(stream, new IOException("the handler aborted its answer"), out, true);
            return false;
        }
        if (!stream.headSent) {
            if (!room(out, ResponseEncoder.headSize(head))) {
                return false;
            }
            if (head.http10 && stream.declaredLength < 0) {
                head.closeAfter = true; // no chunks in HTTP/1.0: the body ends with the connection
            }
            state.encoder.encodeHead(head, out);
            stream.headSent = true;
        }
        boolean body = ResponseEncoder.hasBody(head);
        if (!body) {
            stream.close(null); // HEAD (or a 204 or 304): the head is the whole answer; what is written is dropped
            return true;
        }
        boolean chunked = ResponseEncoder.chunked(head);
        if (draining && chunked && head.response.eventStream) {
            stream.stopTaking(); // it ends after what it has queued (below)
        }
        for (byte[] chunk; !transport.hasQueued() && (chunk = stream.poll()) != null; ) {
            if (chunk.length == 0) {
                continue; // an empty chunk would end a chunked body
            }
            stream.sent += chunk.length;
            if (stream.declaredLength >= 0 && stream.sent > stream.declaredLength) {
                abort(stream, new IOException("the answer's body passed its Content-Length of " + stream.declaredLength), out, false);
                return false;
            }
            int size = chunk.length + (chunked ? CHUNK_FRAMING : 0);
            if (out.remaining() < size) {
                if (out.position() > 0 && !writeOut(out)) {
                    transport.queue(framed(chunk, chunked));
                    return false;
                }
                out.clear();
                if (out.remaining() < size) {
                    // Bigger than the buffer: straight from a framed copy.
                    if (!transport.write(framed(chunk, chunked))) {
                        return false;
                    }
                    continue;
                }
            }
            putFramed(out, chunk, chunked);
        }
        // The server shuts down: an event stream never ends by itself, so it ends here, cleanly,
        // after what its writer had queued (an EventSource reconnects, to another worker in a
        // cluster). Any other stream runs on: a download ended early would look complete.
        boolean endedByShutdown = draining && chunked && head.response.eventStream && !stream.finished();
        if (transport.hasQueued() || (!stream.finished() && !endedByShutdown)) {
            return false;
        }
        if (stream.declaredLength >= 0 && stream.sent != stream.declaredLength) {
            abort(stream, new IOException("the answer ended after " + stream.sent + " of its Content-Length of "
                    + stream.declaredLength + " bytes"), out, false);
            return false;
        }
        if (chunked) {
            if (!room(out, ResponseEncoder.LAST_CHUNK.length)) {
                return false;
            }
            out.put(ResponseEncoder.LAST_CHUNK);
        }
        stream.close(endedByShutdown ? new IOException("the server is shutting down: it ended the event stream") : null);
        return true;
    }

    /** The most a chunk's size line and ending add: 8 hex digits and two CRLFs. */
    private static final int CHUNK_FRAMING = 12;

    private static ByteBuffer framed(byte[] chunk, boolean chunked) {
        ByteBuffer frame = ByteBuffer.allocate(chunk.length + (chunked ? CHUNK_FRAMING : 0));
        putFramed(frame, chunk, chunked);
        return frame.flip();
    }

    /** Puts {@code chunk} into {@code out}: as a chunk of a chunked body, or as it is. */
    private static void putFramed(ByteBuffer out, byte[] chunk, boolean chunked) {
        if (chunked) {
            ResponseEncoder.putChunkSize(out, chunk.length);
        }
        out.put(chunk);
        if (chunked) {
            ResponseEncoder.putCrlf(out);
        }
    }

    /** Makes {@code bytes} of room in {@code out}, writing what it holds if need be. {@return false if the socket is full} */
    private boolean room(ByteBuffer out, int bytes) throws IOException {
        if (out.remaining() >= bytes) {
            return true;
        }
        if (out.position() > 0 && !writeOut(out)) {
            return false;
        }
        out.clear();
        return true;
    }

    /**
     * A stream cannot go on: it hears why, what is staged in {@code out} is sent if the socket
     * takes it, and the connection closes: reset for an abort, else a FIN before the declared
     * length, which the client sees as a cut-off answer.
     */
    private void abort(StreamedAnswer stream, IOException cause, ByteBuffer out, boolean reset) {
        LOG.debug("connection from {}: streamed answer stopped: {}", remote(), cause.getMessage());
        stream.close(cause);
        if (!transport.hasQueued() && out.position() > 0) {
            writeOut(out);
        }
        if (reset) {
            transport.abort(null);
        } else {
            close();
        }
    }

    /** A closing answer is partly written: finish once the rest goes out. */
    private void closeAfterWriteIfNeeded(boolean closeNow) {
        if (closeNow) {
            noMoreRequests = true;
        }
        updateInterest();
    }

    /** Writes {@code out} (the loop's, reused); {@return true if all of it went, else the transport keeps a copy of the rest} */
    private boolean writeOut(ByteBuffer out) {
        out.flip();
        return transport.writeCopying(out);
    }

    /**
     * {@return whether the connection ends after {@code head}'s answer}: asked for, or its streamed
     * body is not all read (the rest is never read: the reader hears so, and nothing more is parsed).
     */
    private boolean endsConnection(HttpRequest head) {
        if (head == bodyRequest && body != null && !body.isOver()) {
            body.fail(new IOException("the request was answered before its body ended; the rest is not read"));
            noMoreRequests = true;
            head.closeAfter = true;
        }
        return head.closeAfter || !head.keepAlive;
    }

    private void recycle(HttpRequest request) {
        state.server.answerEnded(request); // its answer is out (or queued whole for the socket)
        if (request == current) {
            return; // its body is still being parsed (answered early): the connection is ending anyway
        }
        request.sink = null;
        request.reset();
        if (free.size() < Math.min(FREE_REQUESTS, options.maxPipelined())) {
            free.addLast(request); // a few, not maxPipelined: an idle connection holds little
        }
    }

    /**
     * A {@code 100 Continue} that had to wait for the answers before it goes out once they have:
     * the client may be waiting for it before it sends the body.
     */
    private void sendOwedContinue() {
        HttpRequest owed = continueOwed;
        if (owed == null) {
            return;
        }
        boolean stillParsing = owed == current && parser.inProgress();
        if (!stillParsing) {
            continueOwed = null; // its body came anyway, or it failed: nothing is owed any more
        } else if (!transport.hasQueued() && (inFlight.isEmpty() || inFlight.peekFirst() == owed)) {
            continueOwed = null;
            writeDirect(ResponseEncoder.CONTINUE);
        }
    }

    /** Room again for requests: parse what waited, then read again. */
    private void resumeParsing() {
        if (noMoreRequests || (body != null && !body.wantsBytes())) {
            return; // a streamed body's reader has asked for nothing: what waits stays unread
        }
        // A request under way (a streamed body) goes on whatever is in flight; a new one waits for room.
        if (unparsed != null && (current != null || (inFlight.size() < options.maxPipelined() && !transport.hasQueued()))) {
            ByteBuffer pending = unparsed;
            unparsed = null;
            consume(pending);
            if (!inFlight.isEmpty() && inFlight.peekFirst().answered) {
                scheduleFlush();
            }
        }
        if (unparsed == null && readingPaused && !noMoreRequests) {
            readingPaused = false;
            updateInterest();
        }
    }

    /** The last answer is out: half-close, and close when the client has read it (its FIN) or after a while. */
    private void finish() {
        if (outputShut) {
            return;
        }
        outputShut = true;
        readingPaused = false;
        transport.finish(LINGER_NANOS);
    }

    private void writeDirect(byte[] bytes) {
        transport.write(ByteBuffer.wrap(bytes)); // a constant's bytes: queued as they are if the socket is full
    }

    private void updateInterest() {
        if (!closed) {
            transport.setReading(!readingPaused);
        }
    }

    // ---- timeouts and closing -------------------------------------------------------------------

    /**
     * Loop thread. The server is shutting down: what was asked is answered, the last answer says
     * {@code Connection: close} and the connection closes after it; nothing more is read. A request
     * half received is finished first (or times out). An idle keep-alive connection answers one
     * more request if it comes soon (a busy client sends its next one within microseconds, and
     * closing under it would lose that request), else the sweep closes it after
     * {@link #DRAIN_IDLE_NANOS}. A Server-Sent Events answer in flight ends cleanly after what its
     * writer had queued (its writer hears why); any other streamed answer runs on to its end.
     */
    void drain() {
        if (closed || draining) {
            return;
        }
        draining = true;
        HttpRequest last = inFlight.peekLast();
        if (last != null && !parser.inProgress()) {
            last.closeAfter = true;
            noMoreRequests = true;
        }
        // else: a request half received, or none yet: its dispatch makes it the last
        if (!inFlight.isEmpty()) {
            flush(); // what is owed goes out; an event stream ends
        }
    }

    /**
     * The server's sweep, every so often: a client that has read none of its answers for the idle
     * timeout is closed, slow heads and bodies get 408, idle keep-alive connections close.
     */
    void sweep(long now) {
        if (closed) {
            return;
        }
        countBytes();
        if (unreadTooLong(now)) {
            LOG.debug("connection from {}: no answer bytes read for {} ms; closing", remote(), options.idleTimeout().toMillis());
            state.server.unreadClosed.increment();
            close();
            return;
        }
        if (closed) {
            return; // the write it tried found the client gone
        }
        if (draining && inFlight.isEmpty() && !transport.hasQueued() && !parser.inProgress() && now - lastActivity > DRAIN_IDLE_NANOS) {
            close(); // idle while the server shuts down: no request is on its way
            return;
        }
        if (noMoreRequests) {
            return;
        }
        if (parser.inProgress() && !parser.headComplete() && now - headStarted > options.headTimeout().toNanos()) {
            state.server.headTimedOut.increment();
            fail(408, "request head not received within " + options.headTimeout().toMillis() + " ms");
            flush();
        } else if (bodyExpected && (body == null || (!readerPaused && body.wantsBytes()))
                && now - bodyWaitStarted > options.bodyTimeout().toNanos()) {
            state.server.bodyTimedOut.increment();
            fail(408, "request body not received within " + options.bodyTimeout().toMillis() + " ms");
            flush();
        } else if (inFlight.isEmpty() && !transport.hasQueued() && !parser.inProgress()
                && now - lastActivity > options.idleTimeout().toNanos()) {
            state.server.idleClosed.increment();
            close();
        }
    }

    /**
     * {@return whether answers have waited for the socket, none of their bytes taken, for the idle
     * timeout} Told at sweeps from the count of bytes written, so writing costs no clock reading.
     */
    private boolean unreadTooLong(long now) {
        if (transport.hasQueued()) {
            // The kernel wakes a writer only once a good part of its buffer is free (a third, of
            // up to megabytes): a client reading slowly would look stalled for many seconds. So
            // the sweep offers what waits; what the socket takes is progress.
            flush();
        }
        if (closed || !transport.hasQueued()) {
            stalled = false;
            return false;
        }
        long written = transport.bytesWritten();
        if (!stalled || written != writtenAtSweep) {
            stalled = true;
            stalledSince = now;
            writtenAtSweep = written;
            return false;
        }
        return now - stalledSince > options.idleTimeout().toNanos();
    }

    /** Closes at once (the transport tells {@link #onClosed}, which cleans up). */
    void close() {
        if (!closed) {
            transport.close(null);
        }
    }

    @Override
    public void onClosed(IOException cause) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            countBytes();
            closeStreams();
            if (body != null) {
                body.fail(new IOException("the connection closed before the body ended"));
            }
        } finally {
            state.removed(this); // the count and the gate, whatever failed above
        }
    }

    /** Adds the bytes read and written since last time to the server's counts: at sweeps and on close, not per read. */
    private void countBytes() {
        long read = transport.bytesRead();
        long written = transport.bytesWritten();
        if (read != readCounted) {
            state.server.bytesRead.add(read - readCounted);
            readCounted = read;
        }
        if (written != writtenCounted) {
            state.server.bytesWritten.add(written - writtenCounted);
            writtenCounted = written;
        }
    }

    /** {@return what this connection's TLS handshake agreed, or null without TLS} */
    TlsInfo tls() {
        return transport.tlsInfo();
    }

    private Object remote() {
        return transport.remoteAddress();
    }
}
