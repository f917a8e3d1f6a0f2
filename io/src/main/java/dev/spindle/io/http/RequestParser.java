package dev.spindle.io.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Loop-confined, one per connection. An incremental HTTP/1.1 request parser (RFC 9112) that is
 * strict where leniency lets requests be smuggled past a proxy: CRLF only (a bare CR or LF is an
 * error), no whitespace before a header's colon, no obsolete line folding, one Content-Length
 * value, never Content-Length with Transfer-Encoding, chunk sizes in bounded hex, CRLF after each
 * chunk's data, exactly one Host in HTTP/1.1.
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
        START, START_LF, HEAD, BODY, CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF, TRAILER,
        TRAILER_LF, FAILED
    }

    private final HttpServerOptions options;
    private final Heads heads;
    private State state = State.START;
    /** The sink of the body being streamed, or null while bodies are collected. */
    private BodySink sink;
    /** Body bytes streamed so far of the request in progress. */
    private long streamed;
    /** In the head: where the current line starts. */
    private int lineStart;
    private long chunkRemaining;
    private int chunkDigits;
    private int trailerBytes;
    /** Chunk-extension bytes of the body in progress (ignored, but not without end: llhttp's CVE-2024-22019). */
    private int extensionBytes;
    private int trailerLineLength;
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
                    lineStart = 0;
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
                case CHUNK_SIZE -> {
                    byte b = in.get();
                    int digit = Character.digit(b, 16);
                    if (digit >= 0) {
                        if (++chunkDigits > 15) {
                            return fail(400, "chunk size too long");
                        }
                        chunkRemaining = chunkRemaining << 4 | digit;
                    } else if (chunkDigits == 0) {
                        return fail(400, "chunk size is not hexadecimal");
                    } else if (b == ';') {
                        state = State.CHUNK_EXT;
                    } else if (b == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    } else {
                        return fail(400, "invalid character after chunk size");
                    }
                }
                case CHUNK_EXT -> {
                    byte b = in.get();
                    if (++extensionBytes > options.maxHeadSize()) {
                        return fail(400, "chunk extensions larger than " + options.maxHeadSize() + " bytes");
                    }
                    if (b == '\r') {
                        state = State.CHUNK_SIZE_LF;
                    } else if (!Ascii.isFieldChar(b)) {
                        return fail(400, "invalid character in chunk extension");
                    }
                }
                case CHUNK_SIZE_LF -> {
                    if (in.get() != '\n') {
                        return fail(400, "chunk size line not ended by CRLF");
                    }
                    if (chunkRemaining == 0) {
                        trailerBytes = 0;
                        trailerLineLength = 0;
                        state = State.TRAILER;
                    } else if (sink != null) {
                        state = State.CHUNK_DATA;
                    } else if (request.bodyLength + chunkRemaining > options.maxBodySize()) {
                        return fail(413, "request body larger than " + options.maxBodySize() + " bytes");
                    } else {
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA -> {
                    int take = (int) Math.min(in.remaining(), chunkRemaining);
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
                    chunkRemaining -= take;
                    if (chunkRemaining == 0) {
                        state = State.CHUNK_DATA_CR;
                    }
                }
                case CHUNK_DATA_CR -> {
                    if (in.get() != '\r') {
                        return fail(400, "chunk data not followed by CRLF");
                    }
                    state = State.CHUNK_DATA_LF;
                }
                case CHUNK_DATA_LF -> {
                    if (in.get() != '\n') {
                        return fail(400, "chunk data not followed by CRLF");
                    }
                    chunkDigits = 0;
                    state = State.CHUNK_SIZE;
                }
                case TRAILER -> {
                    // Trailer fields are checked for framing and size, then dropped.
                    byte b = in.get();
                    if (++trailerBytes > options.maxHeadSize()) {
                        return fail(431, "trailer fields larger than " + options.maxHeadSize() + " bytes");
                    }
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else if (b == '\n') {
                        return fail(400, "bare LF in trailer fields");
                    } else if (!Ascii.isFieldChar(b) && b != ':') {
                        return fail(400, "invalid character in trailer fields");
                    } else {
                        trailerLineLength++;
                    }
                }
                case TRAILER_LF -> {
                    if (in.get() != '\n') {
                        return fail(400, "bare CR in trailer fields");
                    }
                    if (trailerLineLength == 0) {
                        return complete();
                    }
                    trailerLineLength = 0;
                    state = State.TRAILER;
                }
                case FAILED -> {
                    return ERROR;
                }
            }
        }
        return state == State.FAILED ? ERROR : NEED_MORE;
    }

    /** Copies head bytes until the empty line; then parses the whole head at once. */
    private int readHead(ByteBuffer in, HttpRequest request) {
        while (in.hasRemaining()) {
            byte b = in.get();
            int at = request.headLength;
            if (at >= options.maxHeadSize()) {
                // Checked per byte, not per growth: the array may start larger than the limit.
                return fail(431, "request head larger than " + options.maxHeadSize() + " bytes");
            }
            if (at == request.head.length) {
                request.head = Arrays.copyOf(request.head, Math.min(options.maxHeadSize(), at * 2));
            }
            request.head[at] = b;
            request.headLength = at + 1;
            if (b == '\n') {
                if (at == 0 || request.head[at - 1] != '\r') {
                    return fail(400, "bare LF in the request head");
                }
                if (at - 1 == lineStart) {
                    if (lineStart == 0) {
                        return fail(400, "empty request line");
                    }
                    return headDone(request);
                }
                lineStart = at + 1;
            }
        }
        return NEED_MORE;
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
            chunkRemaining = 0;
            chunkDigits = 0;
            extensionBytes = 0;
            request.bodyLength = 0;
            state = State.CHUNK_SIZE;
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
        boolean sawTransferEncoding = false;
        while (i < end) {
            int nameStart = i;
            while (Ascii.isTchar(h[i])) {
                i++;
            }
            if (i == nameStart || h[i] != ':') {
                return reject(400, h[nameStart] == ' ' || h[nameStart] == '\t' ? "obsolete line folding"
                        : "malformed header field");
            }
            int nameEnd = i++;
            while (h[i] == ' ' || h[i] == '\t') {
                i++;
            }
            int valueStart = i;
            while (h[i] != '\r') {
                if (!Ascii.isFieldChar(h[i])) {
                    return reject(400, "invalid character in a header value");
                }
                i++;
            }
            if (h[i + 1] != '\n') {
                return reject(400, "bare CR in the request head");
            }
            int valueEnd = i;
            while (valueEnd > valueStart && (h[valueEnd - 1] == ' ' || h[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            i += 2;
            if (r.headerCount == options.maxHeaders()) {
                return reject(431, "more than " + options.maxHeaders() + " header fields");
            }
            int k = 4 * r.headerCount++;
            if (k + 4 > r.headerOffsets.length) {
                r.headerOffsets = Arrays.copyOf(r.headerOffsets, r.headerOffsets.length * 2);
            }
            r.headerOffsets[k] = nameStart;
            r.headerOffsets[k + 1] = nameEnd;
            r.headerOffsets[k + 2] = valueStart;
            r.headerOffsets[k + 3] = valueEnd;

            if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "content-length")) {
                long length = parseLength(h, valueStart, valueEnd);
                if (length < 0) {
                    return reject(400, "invalid Content-Length");
                }
                if (r.contentLength >= 0 && r.contentLength != length) {
                    return reject(400, "conflicting Content-Length values");
                }
                r.contentLength = length;
            } else if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "transfer-encoding")) {
                if (sawTransferEncoding || !Ascii.equalsIgnoreCase(h, valueStart, valueEnd, "chunked")) {
                    return containsChunked(h, valueStart, valueEnd) || sawTransferEncoding
                            ? reject(400, "chunked must be the only and final transfer coding")
                            : reject(501, "transfer coding not supported");
                }
                sawTransferEncoding = true;
                r.chunked = true;
            } else if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "host")) {
                hosts++;
            } else if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "connection")) {
                r.keepAlive = Ascii.keepAliveAfter(h, valueStart, valueEnd, r.keepAlive, r.http10);
            } else if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "expect")) {
                if (!Ascii.equalsIgnoreCase(h, valueStart, valueEnd, "100-continue")) {
                    return reject(417, "only Expect: 100-continue is supported");
                }
                r.expectContinue = !r.http10;
            }
        }
        if (r.chunked && r.contentLength >= 0) {
            return reject(400, "both Content-Length and Transfer-Encoding");
        }
        if (r.chunked && r.http10) {
            return reject(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
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


    private static boolean containsChunked(byte[] h, int from, int to) {
        for (int i = from; i + 7 <= to; i++) {
            if (Ascii.equalsIgnoreCase(h, i, i + 7, "chunked")) {
                return true;
            }
        }
        return false;
    }

    /** {@return the decimal value, or -1 if not 1 to 18 digits} */
    private static long parseLength(byte[] h, int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            if (h[i] < '0' || h[i] > '9') {
                return -1;
            }
            value = value * 10 + (h[i] - '0');
        }
        return value;
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

    private int reject(int status, String reason) {
        errorReason = reason;
        return status;
    }
}
