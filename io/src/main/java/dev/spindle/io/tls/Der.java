package dev.spindle.io.tls;

/**
 * Not thread-safe; one per parse. Just enough of a DER reader to find a PKCS#8 key's algorithm
 * identifier: tag, length, and descending into a SEQUENCE. Every length is checked against what
 * the input holds, so a hostile file ends in an {@link IllegalArgumentException}, never in an
 * allocation sized by the file's claims.
 */
final class Der {

    static final int SEQUENCE = 0x30;
    static final int INTEGER = 0x02;
    static final int OID = 0x06;

    private final byte[] der;
    private int pos;
    private final int end;

    Der(byte[] der) {
        this(der, 0, der.length);
    }

    private Der(byte[] der, int from, int to) {
        this.der = der;
        this.pos = from;
        this.end = to;
    }

    /** {@return a reader over the contents of the next element, which must have this tag} */
    Der enter(int tag) {
        int length = header(tag);
        Der inner = new Der(der, pos, pos + length);
        pos += length;
        return inner;
    }

    /** Skips the next element, which must have this tag. */
    void skip(int tag) {
        int length = header(tag); // not pos += header(tag): that adds to pos as it was before the header
        pos += length;
    }

    /** {@return the next element, an OBJECT IDENTIFIER, in dotted form} */
    String oid() {
        int length = header(OID);
        if (length == 0) {
            throw new IllegalArgumentException("empty object identifier");
        }
        StringBuilder dotted = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = pos; i < pos + length; i++) {
            if (value > (Long.MAX_VALUE >>> 7)) {
                throw new IllegalArgumentException("object identifier arc too large");
            }
            value = (value << 7) | (der[i] & 0x7F);
            if ((der[i] & 0x80) == 0) {
                if (first) {
                    long top = Math.min(value / 40, 2);
                    dotted.append(top).append('.').append(value - top * 40);
                    first = false;
                } else {
                    dotted.append('.').append(value);
                }
                value = 0;
            } else if (i == pos + length - 1) {
                throw new IllegalArgumentException("object identifier ends inside an arc");
            }
        }
        pos += length;
        return dotted.toString();
    }

    private int header(int tag) {
        if (pos + 2 > end) {
            throw new IllegalArgumentException("truncated DER at byte " + pos);
        }
        int actual = der[pos++] & 0xFF;
        if (actual != tag) {
            throw new IllegalArgumentException("expected DER tag 0x" + Integer.toHexString(tag) + ", found 0x"
                    + Integer.toHexString(actual) + " at byte " + (pos - 1));
        }
        int first = der[pos++] & 0xFF;
        int length;
        if (first < 0x80) {
            length = first;
        } else {
            int octets = first & 0x7F;
            if (octets == 0 || octets > 3 || pos + octets > end) {
                throw new IllegalArgumentException("unsupported DER length at byte " + (pos - 1));
            }
            length = 0;
            for (int i = 0; i < octets; i++) {
                length = (length << 8) | (der[pos++] & 0xFF);
            }
        }
        if (length > end - pos) {
            throw new IllegalArgumentException("DER length " + length + " runs past the end (" + (end - pos) + " bytes left)");
        }
        return length;
    }
}
