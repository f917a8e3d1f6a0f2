package dev.spindle.io.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Loop-confined, one per client connection. An incremental HTTP/1.1 response parser (RFC 9112),
 * as strict as {@link RequestParser}: CRLF only, no whitespace before a colon, no obsolete line
 * folding, one Content-Length value, never Content-Length with Transfer-Encoding, {@code chunked}
 * as the only transfer coding, chunk sizes in bounded hex, CRLF after each chunk's data; trailer
 * fields are checked for framing and size, then dropped.
 *
 * <p>Each {@link #parse} call returns at the first thing the caller must act on: a head
 * ({@link #HEAD}; fields readable until the next head), a {@code 100 Continue}
 * ({@link #CONTINUE}; other 1xx are skipped), a piece of body ({@link #BODY}: {@link #bodyStart}
 * and {@link #bodyLength} index the input buffer, already consumed), the end of a response
 * ({@link #DONE}), or an error ({@link #ERROR}; {@link #errorReason()}, {@link #limitExceeded()}).
 * Body bytes are never copied here: the caller copies them out of the buffer, or, when its
 * receiver has not asked for more ({@code bodyWanted} false), gets {@link #BLOCKED} with nothing
 * consumed. The head is copied into one array that is reused, so parsing allocates nothing once
 * that array has grown to the connection's usual head size.
 *
 * <p>Message framing (RFC 9112 §6.3): no body after HEAD, 1xx, 204 and 304; else chunked, else
 * Content-Length, else the body runs until the server closes ({@link #finishAtClose()}).
 */
final class ResponseParser {

    static final int NEED_MORE = 0;
    static final int HEAD = 1;
    static final int BODY = 2;
    static final int DONE = 3;
    static final int CONTINUE = 4;
    static final int BLOCKED = 5;
    static final int ERROR = 6;

    private enum State {
        START, HEAD, NO_BODY, LENGTH, UNTIL_CLOSE, CHUNK_SIZE, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR,
        CHUNK_DATA_LF, TRAILER, TRAILER_LF, FAILED
    }

    private final int maxHeadSize;
    private final int maxHeaders;
    private State state = State.START;

    // ---- the last head: valid from HEAD until the next response starts ----
    byte[] head = new byte[1024];
    int headLength;
    /** Per header: name start, name end, value start, value end, into {@link #head}. */
    int[] headerOffsets = new int[4 * 16];
    int headerCount;
    int status;
    boolean http10;
    /** Whether the connection may carry another response after this one. */
    boolean keepAlive;
    /** Content-Length, or -1 without one. */
    long contentLength;
    boolean chunked;

    // ---- the last BODY result: an index range of the input buffer ----
    int bodyStart;
    int bodyLength;

    private int lineStart;
    private long remaining;
    private int chunkDigits;
    private int trailerBytes;
    private int trailerLineLength;
    private boolean limitExceeded;
    private String errorReason;

    ResponseParser(int maxHeadSize, int maxHeaders) {
        this.maxHeadSize = maxHeadSize;
        this.maxHeaders = maxHeaders;
    }

    /** {@return whether no byte of a next response has been received} */
    boolean idle() {
        return state == State.START;
    }

    /** {@return the head's status line and fields, the body still to come} */
    boolean inBody() {
        return state.ordinal() >= State.NO_BODY.ordinal() && state != State.FAILED;
    }

    /** {@return the body bytes still expected when the length is known (Content-Length), else -1} */
    long knownRemaining() {
        return state == State.LENGTH ? remaining : -1;
    }

    boolean limitExceeded() {
        return limitExceeded;
    }

    String errorReason() {
        return errorReason;
    }

    /**
     * Parses from {@code in}: see the class comment for what comes back. {@code headRequest} says
     * the response answers a HEAD (no body, whatever the head says); {@code bodyWanted} false stops
     * before body bytes with {@link #BLOCKED}.
     */
    int parse(ByteBuffer in, boolean headRequest, boolean bodyWanted) {
        while (true) {
            switch (state) {
                case NO_BODY -> {
                    state = State.START;
                    return DONE;
                }
                case LENGTH -> {
                    if (remaining == 0) {
                        state = State.START;
                        return DONE;
                    }
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    if (!bodyWanted) {
                        return BLOCKED;
                    }
                    take(in, remaining);
                    remaining -= bodyLength;
                    return BODY;
                }
                case UNTIL_CLOSE -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    if (!bodyWanted) {
                        return BLOCKED;
                    }
                    take(in, Long.MAX_VALUE);
                    return BODY;
                }
                case CHUNK_DATA -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    if (!bodyWanted) {
                        return BLOCKED;
                    }
                    take(in, remaining);
                    remaining -= bodyLength;
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_CR;
                    }
                    return BODY;
                }
                case FAILED -> {
                    return ERROR;
                }
                default -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    int result = step(in, headRequest);
                    if (result != NEED_MORE) {
                        return result;
                    }
                }
            }
        }
    }

    /**
     * The server closed the connection. {@return {@link #DONE} if that ends a body delimited by the
     * close, {@link #NEED_MORE} if no response was in progress, else {@link #ERROR}}
     */
    int finishAtClose() {
        if (state == State.UNTIL_CLOSE) {
            state = State.START;
            return DONE;
        }
        if (state == State.START) {
            return NEED_MORE;
        }
        return fail("connection closed before the response was complete", false);
    }

    private void take(ByteBuffer in, long most) {
        int n = (int) Math.min(in.remaining(), most);
        bodyStart = in.position();
        bodyLength = n;
        in.position(bodyStart + n);
    }

    /** One byte-level state that is not body data; {@return NEED_MORE to go on} */
    private int step(ByteBuffer in, boolean headRequest) {
        switch (state) {
            case START -> {
                headLength = 0;
                lineStart = 0;
                headerCount = 0;
                state = State.HEAD;
                return readHead(in, headRequest);
            }
            case HEAD -> {
                return readHead(in, headRequest);
            }
            case CHUNK_SIZE -> {
                byte b = in.get();
                int digit = Character.digit(b, 16);
                if (digit >= 0) {
                    if (++chunkDigits > 15) {
                        return fail("chunk size too long", false);
                    }
                    remaining = remaining << 4 | digit;
                } else if (chunkDigits == 0) {
                    return fail("chunk size is not hexadecimal", false);
                } else if (b == ';') {
                    state = State.CHUNK_EXT;
                } else if (b == '\r') {
                    state = State.CHUNK_SIZE_LF;
                } else {
                    return fail("invalid character after chunk size", false);
                }
            }
            case CHUNK_EXT -> {
                byte b = in.get();
                if (b == '\r') {
                    state = State.CHUNK_SIZE_LF;
                } else if (!Ascii.isFieldChar(b)) {
                    return fail("invalid character in chunk extension", false);
                }
            }
            case CHUNK_SIZE_LF -> {
                if (in.get() != '\n') {
                    return fail("chunk size line not ended by CRLF", false);
                }
                if (remaining == 0) {
                    trailerBytes = 0;
                    trailerLineLength = 0;
                    state = State.TRAILER;
                } else {
                    state = State.CHUNK_DATA;
                }
            }
            case CHUNK_DATA_CR -> {
                if (in.get() != '\r') {
                    return fail("chunk data not followed by CRLF", false);
                }
                state = State.CHUNK_DATA_LF;
            }
            case CHUNK_DATA_LF -> {
                if (in.get() != '\n') {
                    return fail("chunk data not followed by CRLF", false);
                }
                chunkDigits = 0;
                remaining = 0;
                state = State.CHUNK_SIZE;
            }
            case TRAILER -> {
                byte b = in.get();
                if (++trailerBytes > maxHeadSize) {
                    return fail("trailer fields larger than " + maxHeadSize + " bytes", true);
                }
                if (b == '\r') {
                    state = State.TRAILER_LF;
                } else if (b == '\n') {
                    return fail("bare LF in trailer fields", false);
                } else if (!Ascii.isFieldChar(b) && b != ':') {
                    return fail("invalid character in trailer fields", false);
                } else {
                    trailerLineLength++;
                }
            }
            case TRAILER_LF -> {
                if (in.get() != '\n') {
                    return fail("bare CR in trailer fields", false);
                }
                if (trailerLineLength == 0) {
                    state = State.START;
                    return DONE;
                }
                trailerLineLength = 0;
                state = State.TRAILER;
            }
            default -> throw new IllegalStateException("not a byte-level state: " + state);
        }
        return NEED_MORE;
    }

    /** Copies head bytes until the empty line, then parses the whole head. */
    private int readHead(ByteBuffer in, boolean headRequest) {
        while (in.hasRemaining()) {
            byte b = in.get();
            int at = headLength;
            if (at >= maxHeadSize) {
                return fail("response head larger than " + maxHeadSize + " bytes", true);
            }
            if (at == head.length) {
                head = Arrays.copyOf(head, Math.min(maxHeadSize, at * 2));
            }
            head[at] = b;
            headLength = at + 1;
            if (b == '\n') {
                if (at == 0 || head[at - 1] != '\r') {
                    return fail("bare LF in the response head", false);
                }
                if (at - 1 == lineStart) {
                    if (lineStart == 0) {
                        return fail("empty status line", false);
                    }
                    return headDone(headRequest);
                }
                lineStart = at + 1;
            }
        }
        return NEED_MORE;
    }

    private int headDone(boolean headRequest) {
        String problem = parseHead();
        if (problem != null) {
            return fail(problem, limitExceeded);
        }
        if (status < 200) {
            if (status == 101) {
                return fail("101 Switching Protocols, but no upgrade was asked for", false);
            }
            // Interim: 100 lets a waiting body go; others (103 Early Hints) are skipped.
            state = State.START;
            return status == 100 ? CONTINUE : NEED_MORE;
        }
        if (headRequest || status == 204 || status == 304) {
            state = State.NO_BODY;
        } else if (chunked) {
            remaining = 0;
            chunkDigits = 0;
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = State.LENGTH;
        } else {
            keepAlive = false;
            state = State.UNTIL_CLOSE;
        }
        return HEAD;
    }

    private int fail(String reason, boolean limit) {
        state = State.FAILED;
        errorReason = reason;
        limitExceeded = limit;
        return ERROR;
    }

    /** Parses the complete head in {@link #head}; {@return null, or what is wrong} */
    private String parseHead() {
        byte[] h = head;
        int end = headLength - 2; // the final CRLF
        if (!matches(h, 0, "HTTP/1.")) {
            return matches(h, 0, "HTTP/") ? "HTTP version not supported" : "malformed status line: version";
        }
        byte minor = h[7];
        if (minor != '0' && minor != '1') {
            return minor >= '2' && minor <= '9' ? "HTTP version not supported" : "malformed status line: version";
        }
        if (h[8] != ' ' || h[9] < '1' || h[9] > '9' || !isDigit(h[10]) || !isDigit(h[11])) {
            return "malformed status line: status code";
        }
        status = (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
        int i = 12;
        if (h[i] == ' ') {
            i++;
            while (h[i] != '\r') {
                if (!Ascii.isFieldChar(h[i])) {
                    return "malformed status line: reason phrase";
                }
                i++;
            }
        }
        if (h[i] != '\r' || h[i + 1] != '\n') {
            return "malformed status line";
        }
        i += 2;
        http10 = minor == '0';
        keepAlive = !http10;
        contentLength = -1;
        chunked = false;
        headerCount = 0;
        boolean sawTransferEncoding = false;
        while (i < end) {
            int nameStart = i;
            while (Ascii.isTchar(h[i])) {
                i++;
            }
            if (i == nameStart || h[i] != ':') {
                return h[nameStart] == ' ' || h[nameStart] == '\t' ? "obsolete line folding" : "malformed header field";
            }
            int nameEnd = i++;
            while (h[i] == ' ' || h[i] == '\t') {
                i++;
            }
            int valueStart = i;
            while (h[i] != '\r') {
                if (!Ascii.isFieldChar(h[i])) {
                    return "invalid character in a header value";
                }
                i++;
            }
            if (h[i + 1] != '\n') {
                return "bare CR in the response head";
            }
            int valueEnd = i;
            while (valueEnd > valueStart && (h[valueEnd - 1] == ' ' || h[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            i += 2;
            if (headerCount == maxHeaders) {
                limitExceeded = true;
                return "more than " + maxHeaders + " header fields";
            }
            int k = 4 * headerCount++;
            if (k + 4 > headerOffsets.length) {
                headerOffsets = Arrays.copyOf(headerOffsets, headerOffsets.length * 2);
            }
            headerOffsets[k] = nameStart;
            headerOffsets[k + 1] = nameEnd;
            headerOffsets[k + 2] = valueStart;
            headerOffsets[k + 3] = valueEnd;

            if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "content-length")) {
                long length = parseLength(h, valueStart, valueEnd);
                if (length < 0) {
                    return "invalid Content-Length";
                }
                if (contentLength >= 0 && contentLength != length) {
                    return "conflicting Content-Length values";
                }
                contentLength = length;
            } else if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "transfer-encoding")) {
                if (sawTransferEncoding || !Ascii.equalsIgnoreCase(h, valueStart, valueEnd, "chunked")) {
                    return "transfer coding other than a single chunked";
                }
                sawTransferEncoding = true;
                chunked = true;
            } else if (Ascii.equalsIgnoreCase(h, nameStart, nameEnd, "connection")) {
                keepAlive = Ascii.keepAliveAfter(h, valueStart, valueEnd, keepAlive, http10);
            }
        }
        if (chunked && contentLength >= 0) {
            return "both Content-Length and Transfer-Encoding";
        }
        if (chunked && http10) {
            return "Transfer-Encoding in an HTTP/1.0 response";
        }
        return null;
    }


    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** {@return the decimal value, or -1 if not 1 to 18 digits} */
    private static long parseLength(byte[] h, int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(h[i])) {
                return -1;
            }
            value = value * 10 + (h[i] - '0');
        }
        return value;
    }

    private static boolean matches(byte[] h, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (h[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
