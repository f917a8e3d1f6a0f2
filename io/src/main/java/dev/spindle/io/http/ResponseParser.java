package dev.spindle.io.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Loop-confined, one per client connection. An incremental HTTP/1.1 response parser (RFC 9112),
 * as strict as {@link RequestParser}: CRLF only, no whitespace before a colon, no obsolete line
 * folding, one Content-Length value, never Content-Length with Transfer-Encoding, {@code chunked}
 * as the only transfer coding, chunk sizes in bounded hex, CRLF after each chunk's data; trailer
 * fields are checked for framing and size, then dropped. These framing rules are the request
 * parser's own objects ({@link HeadScanner}, {@link FieldLine}, {@link BodyFraming},
 * {@link ChunkedDecoder}), so that a smuggling fix is made once; a refusal's reason is a
 * {@link FramingError}'s text, the same as the request parser's.
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
        START, HEAD, NO_BODY, LENGTH, UNTIL_CLOSE, CHUNKED, FAILED
    }

    private final int maxHeaders;
    private final FramingLimits limits;
    private final HeadScanner headScanner;
    private final FieldLine line = new FieldLine();
    private final BodyFraming framing = new BodyFraming();
    private final ChunkedDecoder chunks;
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

    /** Content-Length bytes still to come. */
    private long remaining;
    private boolean limitExceeded;
    private String errorReason;

    ResponseParser(int maxHeadSize, int maxHeaders) {
        this.maxHeaders = maxHeaders;
        this.limits = new FramingLimits(MessageRole.RESPONSE, maxHeadSize, maxHeaders);
        this.headScanner = new HeadScanner(maxHeadSize);
        this.chunks = new ChunkedDecoder(maxHeadSize);
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
                case START -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    headLength = 0;
                    headerCount = 0;
                    headScanner.start();
                    state = State.HEAD;
                }
                case HEAD -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    int result = readHead(in, headRequest);
                    if (result != NEED_MORE) {
                        return result;
                    }
                }
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
                case CHUNKED -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    if (chunks.inData()) {
                        if (!bodyWanted) {
                            return BLOCKED;
                        }
                        take(in, chunks.remaining());
                        chunks.took(bodyLength);
                        return BODY;
                    }
                    int framed = chunks.advance(in);
                    if (framed == ChunkedDecoder.ERROR) {
                        return fail(chunks.error());
                    }
                    if (framed == ChunkedDecoder.END) {
                        state = State.START;
                        return DONE;
                    }
                }
                case FAILED -> {
                    return ERROR;
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

    /** Copies head bytes until the empty line (one bulk copy per read), then parses the whole head. */
    private int readHead(ByteBuffer in, boolean headRequest) {
        int scan = headScanner.scan(in);
        int n = headScanner.scanned();
        int length = headLength + n;
        if (length > head.length) {
            head = Arrays.copyOf(head, Math.max(length, Math.min(limits.maxHeadSize(), 2 * head.length)));
        }
        in.get(head, headLength, n);
        headLength = length;
        return switch (scan) {
            case HeadScanner.END -> headDone(headRequest);
            case HeadScanner.ERROR -> fail(headScanner.error());
            default -> NEED_MORE;
        };
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
            chunks.start();
            state = State.CHUNKED;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = State.LENGTH;
        } else {
            keepAlive = false;
            state = State.UNTIL_CLOSE;
        }
        return HEAD;
    }

    private int fail(FramingError error) {
        return fail(limits.reason(error), error.limit);
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
        framing.start(http10);
        while (i < end) {
            i = line.read(h, i);
            if (i < 0) {
                return refuse(line.error());
            }
            if (headerCount == maxHeaders) {
                return refuse(FramingError.TOO_MANY_FIELDS);
            }
            int k = 4 * headerCount++;
            if (k + 4 > headerOffsets.length) {
                headerOffsets = Arrays.copyOf(headerOffsets, headerOffsets.length * 2);
            }
            headerOffsets[k] = line.nameStart;
            headerOffsets[k + 1] = line.nameEnd;
            headerOffsets[k + 2] = line.valueStart;
            headerOffsets[k + 3] = line.valueEnd;

            FramingError refused = framing.onField(h, line);
            if (refused != null) {
                return refuse(refused);
            }
            if (line.nameIs(h, "connection")) {
                keepAlive = Ascii.keepAliveAfter(h, line.valueStart, line.valueEnd, keepAlive, http10);
            }
        }
        FramingError refused = framing.finish();
        if (refused != null) {
            return refuse(refused);
        }
        contentLength = framing.contentLength;
        chunked = framing.chunked;
        return null;
    }

    /** {@return {@code error}'s reason, for {@link #headDone} to fail with} */
    private String refuse(FramingError error) {
        limitExceeded = error.limit;
        return limits.reason(error);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
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
