package dev.spindle.perf.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Immutable. What every server in the HTTP and HTTPS comparisons answers, the same bytes for all. */
public final class Routes {

    /** The body of {@code /plaintext}; never written to. */
    public static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BIG = new byte[64 * 1024];

    static {
        Arrays.fill(BIG, (byte) 'x');
    }

    private Routes() {
    }

    /** TechEmpower's JSON test: serialize a fresh object per request (by hand: no JSON library in either server). */
    public static byte[] json() {
        return ("{\"message\":\"" + "Hello, World!" + "\"}").getBytes(StandardCharsets.US_ASCII);
    }

    /** The CPU route's work: about 20-30 microseconds here. */
    static long cpu() {
        return fib(22);
    }

    static long fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }
}
