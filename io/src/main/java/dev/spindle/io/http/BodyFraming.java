package dev.spindle.io.http;

/**
 * Loop-confined, one per parser. The field lines of an HTTP/1.1 head that frame its body
 * (RFC 9112 §6), with the rules that keep a message from being read two ways (request smuggling,
 * response splitting): one Content-Length value (repeats must agree; no lists, signs or more than
 * 18 digits), {@code chunked} as the only and final transfer coding in one field, never both, and
 * no Transfer-Encoding in HTTP/1.0. Other transfer codings are refused as unsupported.
 */
final class BodyFraming {

    /** Content-Length, or -1 without one. */
    long contentLength;
    boolean chunked;
    private boolean http10;
    private boolean sawTransferEncoding;

    /** Starts a new head. */
    void start(boolean http10) {
        this.http10 = http10;
        contentLength = -1;
        chunked = false;
        sawTransferEncoding = false;
    }

    /** Takes the field line {@code f} of {@code h} into account; {@return null, or why the head is refused} */
    FramingError onField(byte[] h, FieldLine f) {
        if (f.nameIs(h, "content-length")) {
            long length = parseLength(h, f.valueStart, f.valueEnd);
            if (length < 0) {
                return FramingError.INVALID_CONTENT_LENGTH;
            }
            if (contentLength >= 0 && contentLength != length) {
                return FramingError.CONFLICTING_CONTENT_LENGTHS;
            }
            contentLength = length;
        } else if (f.nameIs(h, "transfer-encoding")) {
            if (sawTransferEncoding || !Ascii.equalsIgnoreCase(h, f.valueStart, f.valueEnd, "chunked")) {
                return sawTransferEncoding || containsChunked(h, f.valueStart, f.valueEnd)
                        ? FramingError.CHUNKED_NOT_ONLY_AND_FINAL : FramingError.UNSUPPORTED_TRANSFER_CODING;
            }
            sawTransferEncoding = true;
            chunked = true;
        }
        return null;
    }

    /** {@return null, or why the head, all its fields read, is refused} */
    FramingError finish() {
        if (chunked && contentLength >= 0) {
            return FramingError.CONTENT_LENGTH_WITH_TRANSFER_ENCODING;
        }
        if (chunked && http10) {
            return FramingError.TRANSFER_ENCODING_IN_HTTP10;
        }
        return null;
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
}
