package dev.spindle.io.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Loop-confined, one per connection. An incremental HTTP/1.1 request parser (RFC 9112) that is
 * strict where leniency lets requests be smuggled past a proxy: CRLF only (a bare CR or LF is an
 * error), no whitespace before a header's colon, no obsolete line folding, one Content-Length
 * value, never Content-Length with Transfer-Encoding, chunk sizes in bounded hex, CRLF after each
 * chunk's data, exactly one Host in HTTP/1.1. The framing rules are shared with
 * {@link ResponseParser}, so that a smuggling fix is made once: {@link HeadScanner},
 * {@link FieldLine}, {@link BodyFraming} and {@link ChunkedDecoder}, refusing with
 * {@link FramingError}s (their status is the answer's).
 *
 * <p>{@link #parse} takes what bytes it can from the buffer into the request object (head bytes are
 * kept as received and decoded only when the handler asks), and says whether a request is
 * complete, more bytes are needed, the client waits for {@code 100 Continue}, or the input is bad
 * ({@link #errorStatus()} then holds the status to answer with, and the connection must close).
 * It allocates nothing once the request's arrays have grown to the connection's usual sizes.
 */
final class RequestParser {

    static final int NEED_MORE = 0;
    static final int COMPLETE = 1;
    static final int EXPECT_CONTINUE = 2;
    static final int ERROR = 3;
    /** A streamed body's reader has asked for nothing more: the bytes left in the buffer wait. */
    static final int BODY_PAUSED = 4;

    /** Where a request's body goes when it is streamed rather than collected. Loop thread. */
    interface BodySink {
        /**
         * Offered the next {@code length} body bytes at {@code in}'s position: takes all of them
         * (as one chunk for the reader) and {@return {@code length}}, or none and {@return 0} while
         * the reader has asked for nothing.
         */
        int take(ByteBuffer in, int length);
    }

    /** Decides, once a head with a body is parsed, whether that body is streamed. Loop thread. */
    interface Heads {
        /** {@return the sink for {@code request}'s body, or null to collect it into the request} */
        BodySink bodyOf(HttpRequest request);
    }

    private enum State {
        START, START_LF, HEAD, BODY, CHUNKED, FAILED
    }

    private final HttpServerOptions options;
    private final Heads heads;
    private final FramingLimits limits;
    private final HeadScanner headScanner;
    private final FieldLine line = new FieldLine();
    private final BodyFraming framing = new BodyFraming();
    private final ChunkedDecoder chunks;
    private State state = State.START;
    /** The sink of the body being streamed, or null while bodies are collected. */
    private BodySink sink;
    /** Body bytes streamed so far of the request in progress. */
    private long streamed;
    private int leadingEmptyLines;
    private int errorStatus;
    private String errorReason;

    RequestParser(HttpServerOptions options) {
        this(options, null);
    }

    /** A parser that asks {@code heads} (null: never) whether to stream each body. */
    RequestParser(HttpServerOptions options, Heads heads) {
        this.options = options;
        this.heads = heads;
        this.limits = FramingLimits.of(options);
        this.headScanner = new HeadScanner(options.maxHeadSize());
        this.chunks = new ChunkedDecoder(options.maxHeadSize());
    }

    /** {@return the body bytes streamed so far of the request in progress} */
    long streamedBytes() {
        return streamed;
    }

    /** {@return whether the body in progress is streamed} */
    boolean streaming() {
        return sink != null;
    }

    /** {@return whether part of a request has been received and the rest has not} */
    boolean inProgress() {
        return state != State.START && state != State.START_LF && state != State.FAILED;
    }

    /** {@return whether the head of the request in progress is complete} */
    boolean headComplete() {
        return state.ordinal() >= State.BODY.ordinal() && state != State.FAILED;
    }

    int errorStatus() {
        return errorStatus;
    }

    String errorReason() {
        return errorReason;
    }

    /**
     * Parses from {@code in} into {@code request}, which must be the same object until this returns
     * {@link #COMPLETE} or {@link #ERROR}.
     */
    int parse(ByteBuffer in, HttpRequest request) {
        while (in.hasRemaining()) {
            switch (state) {
                case START -> {
                    byte b = in.get(in.position());
                    if (b == '\r') {
                        // RFC 9112 §2.2: empty lines before a request line are ignored (a few, CRLF only).
                        in.get();
                        if (++leadingEmptyLines > 8) {
                            return fail(400, "too many empty lines before the request line");
                        }
                        state = State.START_LF;
                        continue;
                    }
                    if (b == '\n') {
                        return fail(400, "bare LF before the request line");
                    }
                    request.reset();
                    headScanner.start();
                    leadingEmptyLines = 0;
                    state = State.HEAD;
                }
                case START_LF -> {
                    if (in.get() != '\n') {
                        return fail(400, "bare CR before the request line");
                    }
                    state = State.START;
                }
                case HEAD -> {
                    int result = readHead(in, request);
                    if (result != NEED_MORE) {
                        return result;
                    }
                }
                case BODY -> {
                    if (sink != null) {
                        int want = (int) Math.min(in.remaining(), request.contentLength - streamed);
                        if (sink.take(in, want) == 0) {
                            return BODY_PAUSED;
                        }
                        streamed += want;
                        if (streamed == request.contentLength) {
                            return complete();
                        }
                        continue;
                    }
                    int take = (int) Math.min(in.remaining(), request.contentLength - request.bodyLength);
                    ensureBody(request, request.bodyLength + take, (int) request.contentLength);
                    in.get(request.body, request.bodyLength, take);
                    request.bodyLength += take;
                    if (request.bodyLength == request.contentLength) {
                        return complete();
                    }
                }
                case CHUNKED -> {
                    if (!chunks.inData()) {
                        int framed = chunks.advance(in);
                        if (framed == ChunkedDecoder.ERROR) {
                            return fail(chunks.error());
                        }
                        if (framed == ChunkedDecoder.END) {
                            return complete();
                        }
                        if (framed == ChunkedDecoder.DATA && sink == null
                                && request.bodyLength + chunks.remaining() > options.maxBodySize()) {
                            // Refused on the declared size, before its data comes (a streamed body has no limit here).
                            return fail(413, "request body larger than " + options.maxBodySize() + " bytes");
                        }
                        continue;
                    }
                    int take = (int) Math.min(in.remaining(), chunks.remaining());
                    if (sink != null) {
                        if (sink.take(in, take) == 0) {
                            return BODY_PAUSED;
                        }
                        streamed += take;
                    } else {
                        ensureBody(request, request.bodyLength + take, options.maxBodySize());
                        in.get(request.body, request.bodyLength, take);
                        request.bodyLength += take;
                    }
                    chunks.took(take);
                }
                case FAILED -> {
                    return ERROR;
                }
            }
        }
        return state == State.FAILED ? ERROR : NEED_MORE;
    }

    /** Copies head bytes until the empty line (one bulk copy per read); then parses the whole head at once. */
    private int readHead(ByteBuffer in, HttpRequest request) {
        int scan = headScanner.scan(in);
        int n = headScanner.scanned();
        int length = request.headLength + n;
        if (length > request.head.length) {
            int grown = Math.min(options.maxHeadSize(), 2 * request.head.length);
            request.head = Arrays.copyOf(request.head, Math.max(length, grown));
        }
        in.get(request.head, request.headLength, n);
        request.headLength = length;
        return switch (scan) {
            case HeadScanner.END -> headDone(request);
            case HeadScanner.ERROR -> fail(headScanner.error());
            default -> NEED_MORE;
        };
    }

    private int headDone(HttpRequest request) {
        int status = parseHead(request);
        if (status != 0) {
            return fail(status, errorReason);
        }
        sink = null;
        streamed = 0;
        if ((request.chunked || request.contentLength > 0) && heads != null) {
            sink = heads.bodyOf(request);
        }
        if (sink == null && request.contentLength > options.maxBodySize()) {
            return fail(413, "request body larger than " + options.maxBodySize() + " bytes");
        }
        if (request.chunked) {
            chunks.start();
            request.bodyLength = 0;
            state = State.CHUNKED;
        } else if (request.contentLength > 0) {
            request.bodyLength = 0;
            state = State.BODY;
        } else {
            return complete();
        }
        return request.expectContinue ? EXPECT_CONTINUE : NEED_MORE;
    }

    private int complete() {
        state = State.START;
        sink = null;
        return COMPLETE;
    }

    private int fail(FramingError error) {
        return fail(error.requestStatus, limits.reason(error));
    }

    private int fail(int status, String reason) {
        state = State.FAILED;
        errorStatus = status;
        errorReason = reason;
        return ERROR;
    }

    /**
     * Makes room for {@code size} body bytes, growing the array with what has arrived (doubling, at
     * least {@link #MIN_BODY_ARRAY}, at most {@code cap}), never with what the head declared: a
     * client that declares a megabyte and sends ten bytes holds ten bytes' worth (issue 16).
     */
    private static void ensureBody(HttpRequest request, int size, int cap) {
        if (request.body.length < size) {
            int grown = (int) Math.min(cap, Math.max(MIN_BODY_ARRAY, 2L * request.body.length));
            request.body = Arrays.copyOf(request.body, Math.max(size, grown));
        }
    }

    /** The smallest body array: room for a small form or JSON body at once. */
    private static final int MIN_BODY_ARRAY = 1024;

    /** Parses the complete head in {@code request.head}; {@return 0, or the status to answer with (reason in errorReason)} */
    private int parseHead(HttpRequest r) {
        byte[] h = r.head;
        int end = r.headLength - 2; // the final CRLF
        int i = 0;
        while (i < end && Ascii.isTchar(h[i])) {
            i++;
        }
        if (i == 0 || h[i] != ' ') {
            return reject(400, "malformed request line: method");
        }
        r.methodEnd = i;
        r.method = HttpMethod.of(h, 0, i);
        r.targetStart = ++i;
        while (i < end && Ascii.isTargetChar(h[i])) {
            i++;
        }
        if (i == r.targetStart || h[i] != ' ') {
            return reject(400, "malformed request line: target");
        }
        r.targetEnd = i;
        int status = targetForm(r, h);
        if (status != 0) {
            return status;
        }
        i++;
        if (!matches(h, i, "HTTP/1.")) {
            return matches(h, i, "HTTP/") && i + 8 < end && Character.isDigit(h[i + 5]) && h[i + 6] == '.'
                    && Character.isDigit(h[i + 7]) && h[i + 8] == '\r'
                    ? reject(505, "HTTP version not supported") : reject(400, "malformed request line: version");
        }
        byte minor = h[i + 7];
        if ((minor != '1' && minor != '0') || h[i + 8] != '\r' || h[i + 9] != '\n') {
            return minor >= '2' && minor <= '9' && h[i + 8] == '\r' ? reject(505, "HTTP version not supported")
                    : reject(400, "malformed request line: version");
        }
        r.http10 = minor == '0';
        r.keepAlive = !r.http10;
        i += 10;

        int hosts = 0;
        framing.start(r.http10);
        while (i < end) {
            i = line.read(h, i);
            if (i < 0) {
                return reject(line.error());
            }
            if (r.headerCount == options.maxHeaders()) {
                return reject(FramingError.TOO_MANY_FIELDS);
            }
            int k = 4 * r.headerCount++;
            if (k + 4 > r.headerOffsets.length) {
                r.headerOffsets = Arrays.copyOf(r.headerOffsets, r.headerOffsets.length * 2);
            }
            r.headerOffsets[k] = line.nameStart;
            r.headerOffsets[k + 1] = line.nameEnd;
            r.headerOffsets[k + 2] = line.valueStart;
            r.headerOffsets[k + 3] = line.valueEnd;

            FramingError refused = framing.onField(h, line);
            if (refused != null) {
                return reject(refused);
            }
            if (line.nameIs(h, "host")) {
                hosts++;
            } else if (line.nameIs(h, "connection")) {
                r.keepAlive = Ascii.keepAliveAfter(h, line.valueStart, line.valueEnd, r.keepAlive, r.http10);
            } else if (line.nameIs(h, "expect")) {
                if (!Ascii.equalsIgnoreCase(h, line.valueStart, line.valueEnd, "100-continue")) {
                    return reject(417, "only Expect: 100-continue is supported");
                }
                r.expectContinue = !r.http10;
            }
        }
        FramingError refused = framing.finish();
        if (refused != null) {
            return reject(refused);
        }
        r.chunked = framing.chunked;
        r.contentLength = framing.contentLength;
        if (hosts > 1 || (hosts == 0 && !r.http10)) {
            return reject(400, hosts == 0 ? "missing Host header" : "more than one Host header");
        }
        if (r.contentLength < 0) {
            r.contentLength = 0;
        }
        if (!r.chunked && r.contentLength == 0) {
            r.expectContinue = false;
        }
        return 0;
    }

    /** Origin form ({@code /path?query}), asterisk form for OPTIONS, or absolute form (the path part is kept). */
    private int targetForm(HttpRequest r, byte[] h) {
        int start = r.targetStart;
        if (h[start] == '*' && r.targetEnd == start + 1 && r.method == HttpMethod.OPTIONS) {
            r.pathEnd = r.targetEnd;
            return 0;
        }
        if (h[start] != '/') {
            int scheme = matches(h, start, "http://") ? 7 : matches(h, start, "https://") ? 8 : -1;
            if (scheme < 0) {
                return reject(400, "malformed request target");
            }
            int slash = start + scheme;
            while (slash < r.targetEnd && h[slash] != '/' && h[slash] != '?') {
                slash++;
            }
            if (slash == start + scheme) {
                return reject(400, "absolute target without a host");
            }
            if (slash == r.targetEnd || h[slash] != '/') {
                return reject(400, "absolute target without a path");
            }
            r.targetStart = slash;
        }
        int q = r.targetStart;
        while (q < r.targetEnd && h[q] != '?') {
            q++;
        }
        r.pathEnd = q;
        return 0;
    }


    private static boolean matches(byte[] h, int at, String s) {
        if (at + s.length() > h.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (h[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int reject(FramingError error) {
        return reject(error.requestStatus, limits.reason(error));
    }

    private int reject(int status, String reason) {
        errorReason = reason;
        return status;
    }
}
