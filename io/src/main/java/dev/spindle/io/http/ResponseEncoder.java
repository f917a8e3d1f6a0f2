package dev.spindle.io.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Loop-confined (one per loop and server): writes answers' heads into a buffer. Status lines are
 * made once per status, the {@code Date} line once per second, so an answer's head costs copies
 * and no allocation.
 */
final class ResponseEncoder {

    private static final byte[][] STATUS_LINES = new byte[1000][];
    private static final byte[] CONTENT_LENGTH = ascii("Content-Length: ");
    private static final byte[] CHUNKED = ascii("Transfer-Encoding: chunked\r\n");
    /** The last chunk of a chunked body, with no trailers. */
    static final byte[] LAST_CHUNK = ascii("0\r\n\r\n");
    private static final byte[] CLOSE = ascii("Connection: close\r\n");
    private static final byte[] KEEP_ALIVE = ascii("Connection: keep-alive\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");

    private final byte[] digits = new byte[20];
    private byte[] dateLine = new byte[0];
    private long dateSecond = -1;

    /** {@return the bytes the head of {@code request}'s answer needs, at most} */
    static int headSize(HttpRequest request) {
        return 64 + request.response.headerLength() + 64 + 40 + 24 + 2;
    }

    /** Writes the head of {@code request}'s answer; the caller made sure {@link #headSize} bytes fit. */
    void encodeHead(HttpRequest request, ByteBuffer out) {
        HttpRequest.Response response = request.response;
        int status = response.status();
        out.put(statusLine(status));
        out.put(response.headerBytes(), 0, response.headerLength());
        if (status >= 200 && status != 204 && status != 304) {
            StreamedAnswer stream = response.stream;
            if (stream == null || stream.declaredLength >= 0) {
                out.put(CONTENT_LENGTH);
                putDecimal(out, stream == null ? response.body.length : stream.declaredLength);
                out.put(CRLF);
            } else if (!request.http10) {
                out.put(CHUNKED);
            } // else an HTTP/1.0 stream of unknown length: ends with the connection (closeAfter)
        }
        out.put(date());
        if (request.closeAfter || !request.keepAlive) {
            out.put(CLOSE);
        } else if (request.http10) {
            out.put(KEEP_ALIVE);
        }
        out.put(CRLF);
    }

    /** {@return whether the answer carries its body: not for HEAD, 1xx, 204, 304} */
    static boolean hasBody(HttpRequest request) {
        int status = request.response.status();
        return request.method != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
    }

    /** {@return whether {@code request}'s streamed answer is sent in chunks} */
    static boolean chunked(HttpRequest request) {
        return request.response.stream.declaredLength < 0 && !request.http10;
    }

    /** Writes the size line of a chunk of {@code size} bytes (hex, CRLF). */
    static void putChunkSize(ByteBuffer out, int size) {
        int shift = 28;
        while (shift > 0 && (size >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.put((byte) Character.forDigit((size >>> shift) & 0xF, 16));
        }
        out.put((byte) '\r').put((byte) '\n');
    }

    static void putCrlf(ByteBuffer out) {
        out.put((byte) '\r').put((byte) '\n');
    }

    private void putDecimal(ByteBuffer out, long value) {
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value != 0);
        out.put(digits, i, digits.length - i);
    }

    private byte[] date() {
        long now = System.currentTimeMillis() / 1000;
        if (now != dateSecond) {
            dateSecond = now;
            dateLine = ascii("Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(
                    Instant.ofEpochSecond(now).atOffset(ZoneOffset.UTC)) + "\r\n");
        }
        return dateLine;
    }

    static byte[] statusLine(int status) {
        byte[] line = STATUS_LINES[status];
        if (line == null) {
            // Benign race: two threads may both build the same immutable line.
            line = ascii("HTTP/1.1 " + status + " " + reason(status) + "\r\n");
            STATUS_LINES[status] = line;
        }
        return line;
    }

    /**
     * Makes {@code request}'s answer, published, a text error the server gives itself; {@code close}
     * ends the connection after it (bad input), else the request's own keep-alive decides (no route).
     */
    static void fillError(HttpRequest request, int status, String message, boolean close) {
        request.closeAfter = close;
        request.response.status(status).header("Content-Type", "text/plain; charset=utf-8");
        request.response.body = (status + " " + reason(status) + ": " + message + "\n").getBytes(StandardCharsets.UTF_8);
        request.answered = true;
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 417 -> "Expectation Failed";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
