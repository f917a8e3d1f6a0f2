package dev.spindle.io.http;

import java.nio.ByteBuffer;

/**
 * Loop-confined, one per parser. Reads the framing of a chunked body (RFC 9112 §7.1) as it
 * arrives, and leaves the data to the parser: chunk sizes in at most 15 hex digits (no sign, no
 * {@code 0x}, no whitespace), chunk extensions ignored but bounded per body (llhttp's
 * CVE-2024-22019), CRLF after every size line and every chunk's data (no bare CR or LF), and
 * trailer fields checked for framing, characters and size, then dropped, whatever they say (a
 * Content-Length or Transfer-Encoding among them frames nothing).
 *
 * <p>{@link #advance} consumes framing bytes up to the next chunk data ({@link #DATA}: the next
 * {@link #remaining()} bytes of the input are data, which the parser takes itself and reports
 * with {@link #took}), the end of the body ({@link #END}), the end of the input
 * ({@link #NEED_MORE}), or a refusal ({@link #ERROR}, {@link #error()}). It allocates nothing.
 */
final class ChunkedDecoder {

    static final int NEED_MORE = 0;
    static final int DATA = 1;
    static final int END = 2;
    static final int ERROR = 3;

    private enum State {
        SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, END, FAILED
    }

    /** Bounds both the extensions of one body and its trailer section. */
    private final int maxHeadSize;
    private State state = State.END;
    /** In a size line: the size so far; in data: the chunk's bytes still to come. */
    private long remaining;
    private int digits;
    private int extensionBytes;
    private int trailerBytes;
    private int trailerLineLength;
    private FramingError error;

    ChunkedDecoder(int maxHeadSize) {
        this.maxHeadSize = maxHeadSize;
    }

    /** Starts a new chunked body. */
    void start() {
        state = State.SIZE;
        remaining = 0;
        digits = 0;
        extensionBytes = 0;
    }

    /** {@return whether the next bytes are chunk data, {@link #remaining()} of them} */
    boolean inData() {
        return state == State.DATA;
    }

    /** {@return the data bytes of the current chunk still to come (while {@link #inData()})} */
    long remaining() {
        return remaining;
    }

    /** The parser took {@code n} (at most {@link #remaining()}) data bytes from the input. */
    void took(int n) {
        remaining -= n;
        if (remaining == 0) {
            state = State.DATA_CR;
        }
    }

    FramingError error() {
        return error;
    }

    /** Consumes framing bytes of {@code in}: see the class comment for what comes back. */
    int advance(ByteBuffer in) {
        while (true) {
            switch (state) {
                case DATA -> {
                    return DATA;
                }
                case END -> {
                    return END;
                }
                case FAILED -> {
                    return ERROR;
                }
                default -> {
                    if (!in.hasRemaining()) {
                        return NEED_MORE;
                    }
                    if (!step(in.get())) {
                        return ERROR;
                    }
                }
            }
        }
    }

    /** One framing byte; {@return false if it is refused} */
    private boolean step(byte b) {
        switch (state) {
            case SIZE -> {
                int digit = Ascii.hexValue(b);
                if (digit >= 0) {
                    // 15 digits keep the size below 2^60: no overflow, whatever the leading zeros.
                    if (++digits > 15) {
                        return fail(FramingError.CHUNK_SIZE_TOO_LONG);
                    }
                    remaining = remaining << 4 | digit;
                } else if (digits == 0) {
                    return fail(FramingError.CHUNK_SIZE_NOT_HEX);
                } else if (b == ';') {
                    state = State.EXTENSION;
                } else if (b == '\r') {
                    state = State.SIZE_LF;
                } else {
                    return fail(FramingError.INVALID_AFTER_CHUNK_SIZE);
                }
            }
            case EXTENSION -> {
                if (++extensionBytes > maxHeadSize) {
                    return fail(FramingError.CHUNK_EXTENSIONS_TOO_LARGE);
                }
                if (b == '\r') {
                    state = State.SIZE_LF;
                } else if (!Ascii.isFieldChar(b)) {
                    return fail(FramingError.INVALID_CHUNK_EXTENSION_CHARACTER);
                }
            }
            case SIZE_LF -> {
                if (b != '\n') {
                    return fail(FramingError.CHUNK_SIZE_LINE_NOT_CRLF);
                }
                if (remaining == 0) {
                    trailerBytes = 0;
                    trailerLineLength = 0;
                    state = State.TRAILER;
                } else {
                    state = State.DATA;
                }
            }
            case DATA_CR -> {
                if (b != '\r') {
                    return fail(FramingError.CHUNK_DATA_NOT_CRLF);
                }
                state = State.DATA_LF;
            }
            case DATA_LF -> {
                if (b != '\n') {
                    return fail(FramingError.CHUNK_DATA_NOT_CRLF);
                }
                digits = 0;
                remaining = 0;
                state = State.SIZE;
            }
            case TRAILER -> {
                if (++trailerBytes > maxHeadSize) {
                    return fail(FramingError.TRAILERS_TOO_LARGE);
                }
                if (b == '\r') {
                    state = State.TRAILER_LF;
                } else if (b == '\n') {
                    return fail(FramingError.BARE_LF_IN_TRAILERS);
                } else if (!Ascii.isFieldChar(b) && b != ':') {
                    return fail(FramingError.INVALID_TRAILER_CHARACTER);
                } else {
                    trailerLineLength++;
                }
            }
            case TRAILER_LF -> {
                if (b != '\n') {
                    return fail(FramingError.BARE_CR_IN_TRAILERS);
                }
                if (trailerLineLength == 0) {
                    state = State.END;
                } else {
                    trailerLineLength = 0;
                    state = State.TRAILER;
                }
            }
            default -> throw new IllegalStateException("not a framing state: " + state);
        }
        return true;
    }

    private boolean fail(FramingError e) {
        error = e;
        state = State.FAILED;
        return false;
    }
}
