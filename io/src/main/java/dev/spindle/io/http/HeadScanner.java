package dev.spindle.io.http;

import java.nio.ByteBuffer;

/**
 * Loop-confined, one per parser. Finds where an HTTP/1.1 head (start line and field lines) ends in
 * the bytes as they arrive, holding the line-ending and size rules: every LF follows a CR (a bare
 * LF is refused here; a bare CR when the field lines are read, {@link FieldLine}), the head ends at
 * the first empty line, which must not be the first line, and is at most {@code maxHeadSize} bytes.
 *
 * <p>It only looks: {@link #scan} consumes nothing and says in {@link #scanned()} how many bytes
 * belong to the head, for the parser to copy into its own reused array in one bulk get.
 */
final class HeadScanner {

    static final int MORE = 0;
    static final int END = 1;
    static final int ERROR = 2;

    private final int maxHeadSize;
    /** Head bytes scanned so far. */
    private int length;
    /** Where the current line starts, counted from the head's first byte. */
    private int lineStart;
    private boolean afterCr;
    private int scanned;
    private FramingError error;

    HeadScanner(int maxHeadSize) {
        this.maxHeadSize = maxHeadSize;
    }

    /** Starts a new head. */
    void start() {
        length = 0;
        lineStart = 0;
        afterCr = false;
    }

    /** {@return how many bytes of the input, from its position, the last {@link #scan} found to be head bytes} */
    int scanned() {
        return scanned;
    }

    FramingError error() {
        return error;
    }

    /**
     * Scans {@code in} from its position, without consuming: {@return {@link #END} if the head
     * ends within {@link #scanned()} bytes, {@link #MORE} if all of them are head bytes and more
     * are needed, or {@link #ERROR} ({@link #error()})}.
     */
    int scan(ByteBuffer in) {
        int from = in.position();
        int to = in.limit();
        for (int p = from; p < to; p++) {
            if (length >= maxHeadSize) {
                // Checked per byte, not per array growth: a parser's array may start larger than the limit.
                scanned = p - from;
                return fail(FramingError.HEAD_TOO_LARGE);
            }
            byte b = in.get(p);
            int at = length++;
            if (b == '\n') {
                scanned = p + 1 - from;
                if (!afterCr) {
                    return fail(FramingError.BARE_LF_IN_HEAD);
                }
                if (at - 1 == lineStart) {
                    return lineStart == 0 ? fail(FramingError.EMPTY_START_LINE) : END;
                }
                lineStart = at + 1;
            }
            afterCr = b == '\r';
        }
        scanned = to - from;
        return MORE;
    }

    private int fail(FramingError e) {
        error = e;
        return ERROR;
    }
}
