package dev.spindle.io.http;

/** Stateless. The character classes of RFC 9110 and byte helpers for the parser and encoder. */
final class Ascii {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Ascii() {
    }

    /** {@return the value of a hex digit ({@code 0-9 a-f A-F}), or -1} */
    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    /** Field-value characters: VCHAR, obs-text, SP, HTAB (RFC 9110 §5.5). */
    static boolean isFieldChar(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c != 0x7F || c == '\t';
    }

    /** Request-target characters: visible ASCII (no SP, no controls, no obs-text). */
    static boolean isTargetChar(byte b) {
        return b > 0x20 && b < 0x7F;
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !isFieldChar((byte) c)) {
                return false;
            }
        }
        return true;
    }

    static boolean equalsIgnoreCase(byte[] b, int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            int x = b[from + i] | 0x20;
            int y = s.charAt(i) | 0x20;
            if (x != y) {
                return false;
            }
            // Only letters are equal under | 0x20 without being equal: keep '@' apart from '`' etc.
            if (b[from + i] != s.charAt(i) && (x < 'a' || x > 'z')) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code s} (Latin-1, already validated) into {@code b} at {@code at}; {@return the end} */
    static int put(byte[] b, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            b[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    /**
     * {@return whether a connection stays open after a {@code Connection} header's value at
     * {@code [from, to)} of {@code h}}: {@code close} ends it; {@code keep-alive} keeps an HTTP/1.0
     * one open; otherwise {@code keepAlive}, as it was.
     */
    static boolean keepAliveAfter(byte[] h, int from, int to, boolean keepAlive, boolean http10) {
        boolean result = keepAlive;
        int i = from;
        while (i < to) {
            while (i < to && (h[i] == ' ' || h[i] == '\t' || h[i] == ',')) {
                i++;
            }
            int tokenStart = i;
            while (i < to && h[i] != ',' && h[i] != ' ' && h[i] != '\t') {
                i++;
            }
            if (equalsIgnoreCase(h, tokenStart, i, "close")) {
                result = false;
            } else if (equalsIgnoreCase(h, tokenStart, i, "keep-alive") && http10) {
                result = true;
            }
        }
        return result;
    }
}
