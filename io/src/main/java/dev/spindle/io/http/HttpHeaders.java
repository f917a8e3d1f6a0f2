package dev.spindle.io.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Immutable. The header fields of a response, in the order received; names are looked up in any
 * case (RFC 9110 §5.1). The bytes are kept as received and decoded when asked for (names as
 * ASCII, values as ISO-8859-1).
 */
public final class HttpHeaders {

    private final byte[] raw;
    /** Per field: name start, name end, value start, value end, into {@link #raw}. */
    private final int[] offsets;
    private final int count;

    private HttpHeaders(byte[] raw, int[] offsets, int count) {
        this.raw = raw;
        this.offsets = offsets;
        this.count = count;
    }

    /** Copies the fields the parser holds now. */
    static HttpHeaders copyOf(ResponseParser parser) {
        return new HttpHeaders(Arrays.copyOf(parser.head, parser.headLength),
                Arrays.copyOf(parser.headerOffsets, 4 * parser.headerCount), parser.headerCount);
    }

    /** {@return how many fields} */
    public int size() {
        return count;
    }

    public String name(int index) {
        return new String(raw, offsets[4 * index], offsets[4 * index + 1] - offsets[4 * index], StandardCharsets.US_ASCII);
    }

    public String value(int index) {
        return new String(raw, offsets[4 * index + 2], offsets[4 * index + 3] - offsets[4 * index + 2],
                StandardCharsets.ISO_8859_1);
    }

    /** {@return the first value of {@code name} (any case), or null} */
    public String first(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : value(i);
    }

    /** {@return every value of {@code name} (any case), in order} */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i));
        }
        return values;
    }

    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    private int indexOf(String name, int from) {
        for (int i = from; i < count; i++) {
            if (Ascii.equalsIgnoreCase(raw, offsets[4 * i], offsets[4 * i + 1], name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("HttpHeaders[");
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : ", ").append(name(i)).append(": ").append(value(i));
        }
        return s.append(']').toString();
    }
}
