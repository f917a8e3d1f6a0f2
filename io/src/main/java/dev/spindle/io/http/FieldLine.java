package dev.spindle.io.http;

/**
 * Loop-confined, one per parser. Reads one field line of a complete HTTP/1.1 head by RFC 9112
 * §5's rules, strict where leniency lets a message be smuggled past a proxy: a name of token
 * characters right before the colon (no whitespace before it), no obsolete line folding, value
 * characters only (no NUL, no other control but HTAB), CRLF at its end (no bare CR). The value's
 * surrounding whitespace (OWS) is not part of it.
 *
 * <p>After {@link #read}, the four offsets index the head array; they are overwritten by the next line.
 */
final class FieldLine {

    int nameStart;
    int nameEnd;
    int valueStart;
    int valueEnd;
    private FramingError error;

    FramingError error() {
        return error;
    }

    /**
     * Reads the field line at {@code i} of {@code h}, a head that ends with an empty line (so every
     * scan below stops at a CR). {@return the index after the line's CRLF, or -1 ({@link #error()})}
     */
    int read(byte[] h, int i) {
        nameStart = i;
        while (Ascii.isTchar(h[i])) {
            i++;
        }
        if (i == nameStart || h[i] != ':') {
            return fail(h[nameStart] == ' ' || h[nameStart] == '\t' ? FramingError.OBSOLETE_LINE_FOLDING
                    : FramingError.MALFORMED_FIELD);
        }
        nameEnd = i++;
        while (h[i] == ' ' || h[i] == '\t') {
            i++;
        }
        valueStart = i;
        while (h[i] != '\r') {
            if (!Ascii.isFieldChar(h[i])) {
                return fail(FramingError.INVALID_VALUE_CHARACTER);
            }
            i++;
        }
        if (h[i + 1] != '\n') {
            return fail(FramingError.BARE_CR_IN_HEAD);
        }
        int end = i;
        while (end > valueStart && (h[end - 1] == ' ' || h[end - 1] == '\t')) {
            end--;
        }
        valueEnd = end;
        return i + 2;
    }

    /** {@return whether the line's name is {@code name}, ignoring case} */
    boolean nameIs(byte[] h, String name) {
        return Ascii.equalsIgnoreCase(h, nameStart, nameEnd, name);
    }

    private int fail(FramingError e) {
        error = e;
        return -1;
    }
}
