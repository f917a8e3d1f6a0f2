package dev.spindle.io.http;

/** Immutable. The request methods of RFC 9110; any other token parses as {@link #OTHER}. */
public enum HttpMethod {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private final byte[] bytes = name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** {@return the method spelled by {@code len} bytes of {@code b} from {@code off} (case-sensitive, as RFC 9110 says)} */
    static HttpMethod of(byte[] b, int off, int len) {
        HttpMethod guess = switch (b[off]) {
            case 'G' -> GET;
            case 'H' -> HEAD;
            case 'P' -> len == 4 ? POST : len == 3 ? PUT : PATCH;
            case 'D' -> DELETE;
            case 'C' -> CONNECT;
            case 'O' -> OPTIONS;
            case 'T' -> TRACE;
            default -> OTHER;
        };
        return guess != OTHER && guess.bytes.length == len && java.util.Arrays.equals(guess.bytes, 0, len, b, off, off + len)
                ? guess : OTHER;
    }
}
