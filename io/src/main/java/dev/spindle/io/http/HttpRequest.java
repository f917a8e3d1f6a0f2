package dev.spindle.io.http;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.AwaitsAnswer;
import dev.spindle.actors.DeadLetter;
import dev.spindle.io.internal.Recipient;
import dev.spindle.io.internal.Recipients;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Handed from the server's loop to one actor at a time: the actor that gets it owns it until it
 * answers; answering gives it back (the server reuses the object for a later request, so keep
 * nothing of it after {@link #respond}). One request of an HTTP/1.1 connection: its head (bytes
 * as received, decoded only when asked for) and its whole body.
 *
 * <p>Answers go out in request order on each connection, whichever actor answers first (HTTP/1.1
 * pipelining). An answer is exactly once: answering again throws.
 *
 * <pre>{@code
 * case HttpRequest request when request.method() == HttpMethod.GET ->
 *     request.respond(200, "text/plain", "Hello, World!");
 * }</pre>
 */
public final class HttpRequest implements AwaitsAnswer {

    // ---- written by the loop before the request is handed over (a mailbox hand-off: happens-before) ----
    byte[] head = new byte[512];
    int headLength;
    HttpMethod method;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int pathEnd;
    boolean http10;
    int headerCount;
    /** Per header: name start, name end, value start, value end, into {@link #head}. */
    int[] headerOffsets = new int[4 * 16];
    long contentLength;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;
    byte[] body = EMPTY;
    int bodyLength;
    /** Path parameters of the matched route: names (the route's), and start/end into {@link #head}. */
    String[] paramNames;
    int[] paramOffsets = new int[8];
    int paramCount;
    /** The route the loop found for it, once found (at the head, for a body that may stream). */
    Router.Route route;
    /** When its head began to arrive ({@code nanoTime}, a clock the connection reads anyway): its latency's start. */
    long started;
    /** The body of a request on a streaming route, read with {@link #streamBody}; else null. */
    StreamedRequestBody bodyStream;
    /** Written by the handling actor: {@link #streamBody} was called. */
    private boolean bodyClaimed;

    // ---- the answer: written by the answering actor, read by the loop once published ----
    final Response response = new Response(this);
    /** The connection this request came from; set by the loop. */
    HttpConnectionSink sink;
    /** What the connection's TLS handshake agreed, or null without TLS; set by the loop before dispatch. */
    dev.spindle.io.tls.TlsInfo tls;
    /** Set by the answering actor after the answer is complete; read by the loop. */
    volatile boolean answered;
    /** The connection ends after this request's answer (its own {@code Connection: close}, or an error). */
    boolean closeAfter;

    static final byte[] EMPTY = new byte[0];
    /** The biggest body array a recycled request keeps for the connection's next request. */
    static final int RETAINED_BODY = 64 * 1024;

    HttpRequest() {
    }

    /** Loop thread only: forget the previous request. */
    void reset() {
        headLength = 0;
        method = null;
        headerCount = 0;
        contentLength = -1;
        chunked = false;
        keepAlive = true;
        expectContinue = false;
        bodyLength = 0;
        if (body.length > RETAINED_BODY) {
            body = EMPTY; // a pooled request does not keep a big body's array for the next one
        }
        paramNames = null;
        paramCount = 0;
        route = null;
        bodyStream = null;
        bodyClaimed = false;
        closeAfter = false;
        answered = false;
        tls = null;
        response.reset();
    }

    /**
     * {@return what the TLS handshake of the connection this request came on agreed (protocol,
     * cipher suite, ALPN, SNI name, the client's certificate chain under mutual TLS), or null for
     * a plaintext connection}
     */
    public dev.spindle.io.tls.TlsInfo tls() {
        return tls;
    }

    public HttpMethod method() {
        return method;
    }

    /** {@return the method as sent, also for {@link HttpMethod#OTHER}} */
    public String methodName() {
        return ascii(0, methodEnd);
    }

    /** {@return the request target as sent: path and query, undecoded} */
    public String target() {
        return ascii(targetStart, targetEnd);
    }

    /** {@return the path part of the target, undecoded} */
    public String path() {
        return ascii(targetStart, pathEnd);
    }

    /** {@return the query after {@code ?}, undecoded, or null without one} */
    public String query() {
        return pathEnd < targetEnd ? ascii(pathEnd + 1, targetEnd) : null;
    }

    /** {@return {@code HTTP/1.1} or {@code HTTP/1.0}} */
    public String version() {
        return http10 ? "HTTP/1.0" : "HTTP/1.1";
    }

    /** {@return whether the connection stays open after this request's answer} */
    public boolean keepAlive() {
        return keepAlive;
    }

    public int headerCount() {
        return headerCount;
    }

    public String headerName(int index) {
        return ascii(headerOffsets[4 * index], headerOffsets[4 * index + 1]);
    }

    public String headerValue(int index) {
        return latin1(headerOffsets[4 * index + 2], headerOffsets[4 * index + 3]);
    }

    /** {@return the first value of the header {@code name} (any case), or null} */
    public String header(String name) {
        int index = indexOfHeader(name, 0);
        return index < 0 ? null : headerValue(index);
    }

    /** {@return every value of the header {@code name} (any case), in order} */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        for (int i = indexOfHeader(name, 0); i >= 0; i = indexOfHeader(name, i + 1)) {
            values.add(headerValue(i));
        }
        return values;
    }

    int indexOfHeader(String name, int from) {
        for (int i = from; i < headerCount; i++) {
            if (Ascii.equalsIgnoreCase(head, headerOffsets[4 * i], headerOffsets[4 * i + 1], name)) {
                return i;
            }
        }
        return -1;
    }

    /** {@return the value of the route's path parameter {@code name} ({@code :name} in the pattern), undecoded, or null} */
    public String pathParam(String name) {
        for (int i = 0; i < paramCount; i++) {
            if (paramNames[i].equals(name)) {
                return ascii(paramOffsets[2 * i], paramOffsets[2 * i + 1]);
            }
        }
        return null;
    }

    /**
     * {@return whether the body is streamed: this request came by a
     * {@linkplain Router.Builder#streamingBody() streaming route} with a body, which is read with
     * {@link #streamBody} (and {@link #body()} is empty)}
     */
    public boolean bodyStreamed() {
        return bodyStream != null;
    }

    /**
     * Reads a streamed body: its chunks go to {@code reader} as {@link RequestBodyEvent}s, one per
     * chunk asked for ({@link RequestBodyStream#request}), one asked for now. Once per request.
     *
     * @throws IllegalStateException if the body is not streamed, or is read already
     */
    public RequestBodyStream streamBody(ActorRef<? super RequestBodyEvent> reader) {
        return streamBody(Recipients.direct(reader));
    }

    /** {@link #streamBody(ActorRef)}, for an actor whose protocol wraps {@link RequestBodyEvent}s. */
    public <M> RequestBodyStream streamBody(ActorRef<M> reader, Function<? super RequestBodyEvent, ? extends M> adapter) {
        return streamBody(Recipients.adapted(reader, adapter));
    }

    private RequestBodyStream streamBody(Recipient<RequestBodyEvent, ?> reader) {
        StreamedRequestBody body = bodyStream;
        if (body == null) {
            throw new IllegalStateException("this request's body is not streamed (see Router.Builder.streamingBody): " + this);
        }
        if (bodyClaimed) {
            throw new IllegalStateException("this request's body is read already: " + this);
        }
        bodyClaimed = true;
        body.register(reader);
        return body;
    }

    /** {@return the body's length in bytes} */
    public int bodyLength() {
        return bodyLength;
    }

    /** {@return a copy of the body} */
    public byte[] body() {
        return java.util.Arrays.copyOf(body, bodyLength);
    }

    /** {@return the body decoded as UTF-8} */
    public String bodyAsString() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    /** Answers with {@code body} as UTF-8 text of {@code contentType}. */
    public void respond(int status, String contentType, String body) {
        respond(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with {@code body} (not copied: do not change it afterwards) of {@code contentType}. */
    public void respond(int status, String contentType, byte[] body) {
        response.status(status).header("Content-Type", contentType).send(body);
    }

    /** Answers with an empty body. */
    public void respond(int status) {
        response.status(status).send(EMPTY);
    }

    /**
     * Called by the actor system when the route's actor will never see this request: it had
     * stopped (503), its mailbox refused it (503), or its behavior returned
     * {@link dev.spindle.actors.Behavior#unhandled()} (500). The client gets that answer rather
     * than waiting for ever. (A route with an adapter sends the adapter's message instead, which
     * answers only if it implements {@link AwaitsAnswer} itself.)
     */
    @Override
    public void deadLettered(DeadLetter.Reason reason) {
        switch (reason) {
            case STOPPED -> answerInstead(503, "the actor for this route has stopped");
            case MAILBOX_FULL, EVICTED -> answerInstead(503, "the actor for this route is overloaded");
            case UNHANDLED -> answerInstead(500, "the actor for this route did not handle it");
        }
    }

    /** Called by the actor system when the behavior handling this request threw: answers 500 unless it had answered. */
    @Override
    public void handlerFailed(Throwable failure) {
        answerInstead(500, "the actor for this route failed");
    }

    private void answerInstead(int status, String why) {
        if (response.sent) {
            return;
        }
        response.reset();
        respond(status, "text/plain; charset=utf-8", status + " " + ResponseEncoder.reason(status) + ": " + why + "\n");
    }

    /** {@return the answer under construction, for status and headers of your choosing} */
    public Response response() {
        return response;
    }

    private String ascii(int from, int to) {
        return new String(head, from, to - from, StandardCharsets.US_ASCII);
    }

    private String latin1(int from, int to) {
        return new String(head, from, to - from, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return method == null ? "HttpRequest[empty]" : "HttpRequest[" + methodName() + " " + target() + "]";
    }

    /**
     * Owned by the actor answering the request. The answer to an {@link HttpRequest}: set a status
     * and headers, then {@link #send} the body; {@code Content-Length}, {@code Date} and, when the
     * connection ends, {@code Connection: close} are added.
     */
    public static final class Response {
        private final HttpRequest request;
        private int status = 200;
        /** Extra header lines, encoded as they are added. */
        private byte[] headers = new byte[256];
        private int headersLength;
        byte[] body = EMPTY;
        /** The {@code Content-Length} the handler set, or -1. */
        private long declaredLength = -1;
        /** A streamed answer, or null. */
        StreamedAnswer stream;
        /** Its {@code Content-Type} is {@code text/event-stream}: Server-Sent Events, which never end by themselves. */
        boolean eventStream;
        private boolean sent;

        Response(HttpRequest request) {
            this.request = request;
        }

        void reset() {
            status = 200;
            headersLength = 0;
            body = EMPTY;
            declaredLength = -1;
            stream = null;
            eventStream = false;
            sent = false;
        }

        public Response status(int code) {
            if (code < 100 || code > 999) {
                throw new IllegalArgumentException("status must be 3 digits: " + code);
            }
            status = code;
            return this;
        }

        /**
         * Adds a header line. Names must be tokens and values must not hold CR, LF or other control
         * characters (so nothing a client sent can split the response); else throws. The server
         * frames the body itself: {@code Transfer-Encoding} is refused, and {@code Content-Length}
         * is only checked against what is sent (a {@linkplain #stream stream} that declares one is
         * sent as raw bytes of that length instead of chunks).
         */
        public Response header(String name, String value) {
            if (!Ascii.isToken(name)) {
                throw new IllegalArgumentException("not a header name: " + name);
            }
            if (!Ascii.isFieldValue(value)) {
                throw new IllegalArgumentException("header value with control characters, for " + name);
            }
            if (name.equalsIgnoreCase("Content-Length")) {
                try {
                    declaredLength = Long.parseLong(value.strip());
                } catch (NumberFormatException e) {
                    declaredLength = -1;
                }
                if (declaredLength < 0) {
                    throw new IllegalArgumentException("Content-Length must be a number of bytes: " + value);
                }
                return this;
            }
            if (name.equalsIgnoreCase("Transfer-Encoding")) {
                throw new IllegalArgumentException("the server sets Transfer-Encoding itself (see stream())");
            }
            if (name.equalsIgnoreCase("Content-Type")) {
                eventStream = value.regionMatches(true, 0, "text/event-stream", 0, 17);
            }
            int need = headersLength + name.length() + value.length() + 4;
            if (need > headers.length) {
                headers = java.util.Arrays.copyOf(headers, Math.max(need, headers.length * 2));
            }
            headersLength = Ascii.put(headers, headersLength, name);
            headers[headersLength++] = ':';
            headers[headersLength++] = ' ';
            headersLength = Ascii.put(headers, headersLength, value);
            headers[headersLength++] = '\r';
            headers[headersLength++] = '\n';
            return this;
        }

        /** Sends the answer with {@code body} (not copied). */
        public void send(byte[] body) {
            java.util.Objects.requireNonNull(body, "body");
            if (declaredLength >= 0 && declaredLength != body.length) {
                throw new IllegalArgumentException("Content-Length " + declaredLength + " for a body of " + body.length + " bytes");
            }
            claim();
            this.body = body;
            publish();
        }

        /**
         * Answers with a stream: the head (with this status and these headers) goes out as soon as
         * the answers before it have, then what is {@linkplain ResponseWriter#write written}, until
         * {@link ResponseWriter#end}; what happens to it is told to {@code events}.
         */
        public ResponseWriter stream(ActorRef<? super ResponseWriterEvent> events) {
            return stream(Recipients.direct(events));
        }

        /** {@link #stream(ActorRef)}, for an actor whose protocol wraps {@link ResponseWriterEvent}s. */
        public <M> ResponseWriter stream(ActorRef<M> events, Function<? super ResponseWriterEvent, ? extends M> adapter) {
            return stream(Recipients.adapted(events, adapter));
        }

        private ResponseWriter stream(Recipient<ResponseWriterEvent, ?> events) {
            claim();
            StreamedAnswer answer = request.sink.newStream(events, declaredLength);
            stream = answer;
            publish();
            return answer;
        }

        private void claim() {
            if (sent) {
                throw new IllegalStateException("this request has been answered already: " + request);
            }
            sent = true;
        }

        private void publish() {
            // Read before publishing: once answered is set, the loop may write the answer and
            // recycle the request (sink and all) before this thread takes another step.
            HttpConnectionSink sink = request.sink;
            // Release: the loop that sees answered sees the whole answer.
            request.answered = true;
            sink.answered(request);
        }

        int status() {
            return status;
        }

        long declaredLength() {
            return declaredLength;
        }

        byte[] headerBytes() {
            return headers;
        }

        int headerLength() {
            return headersLength;
        }
    }
}
