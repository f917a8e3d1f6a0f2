package dev.spindle.json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidDefinitionException;

import java.lang.reflect.InaccessibleObjectException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stateless. Turns what Jackson threw into a {@link JsonProblem} a client may be shown: the
 * position recomputed in characters (Jackson counts the columns of a byte source in bytes), the
 * message rid of the server's class names and of Jackson's configuration advice, and bounded.
 */
final class Problems {

    /** The most of Jackson's message looked at; it bounds its own excerpts of the input to a few hundred characters. */
    private static final int MAX_MESSAGE_SCAN = 4_000;
    private static final int MAX_PATH_LENGTH = 120;
    private static final int MAX_CONTENT_TYPE_SHOWN = 80;

    /** {@code `a.b.Outer$Inner`}: a span in backticks, where Jackson names types and features. */
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]{1,300})`");
    /** A qualified or nested Java name: its last part is kept. */
    private static final Pattern QUALIFIED = Pattern.compile("(?:[A-Za-z_][\\w]*[.$])+([A-Za-z_][\\w]*)");
    /** Advice for the server's developer, not for its client. */
    private static final Pattern ADVICE = Pattern.compile(
            "\\s*\\(set `[^`]*` to '[^']*' to allow\\)|, from `StreamReadConstraints\\.[^`]*`| as per `[^`]*`");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private Problems() {
    }

    /**
     * {@return whether {@code failure} is the server's, whatever the input: Jackson finds no way to
     * make the type, or may not reach it (a package not opened to it)}
     */
    static boolean isServerDefect(JacksonException failure) {
        if (failure instanceof InvalidDefinitionException) {
            return true;
        }
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof IllegalAccessException || cause instanceof InaccessibleObjectException
                    || cause instanceof SecurityException) {
                return true;
            }
        }
        return false;
    }

    /** {@return the problem {@code failure} says {@code json} has; {@code parser} read it} */
    static JsonProblem of(JacksonException failure, JsonParser parser, byte[] json) {
        long offset = offset(failure.getLocation());
        if (offset < 0 && parser != null) {
            offset = offset(parser.currentLocation());
        }
        String path = path(failure);
        // A mapping failure on valid JSON (a wrong type, a missing creator, trailing tokens), not
        // the JSON itself: the parser has a token. "No content" is a mapping exception with none.
        boolean fits = failure instanceof DatabindException && parser != null && parser.currentToken() != null;
        return at(json, offset < 0 ? json.length : offset, path, fits ? "does not fit" : null,
                clean(failure.getOriginalMessage()));
    }

    /** {@return the problem of a JSON {@code null} where a {@code type} was expected} */
    static JsonProblem isNull(byte[] json, String type) {
        int offset = 0;
        while (offset < json.length && " \t\r\n".indexOf(json[offset]) >= 0) {
            offset++;
        }
        return at(json, offset, "", "does not fit", "expected `" + simpleName(type) + "`, not null");
    }

    /** {@return the 415 problem of a body sent as {@code contentType}} */
    static JsonProblem notJson(String contentType) {
        String shown = contentType.length() > MAX_CONTENT_TYPE_SHOWN
                ? contentType.substring(0, MAX_CONTENT_TYPE_SHOWN) + "…" : contentType;
        return new JsonProblem(415, bounded("send the body as Content-Type: application/json, not "
                + CONTROL.matcher(shown).replaceAll(" ")), 0, 0, "");
    }

    private static JsonProblem at(byte[] json, long offset, String path, String mismatch, String what) {
        int end = (int) Math.min(offset, json.length);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < end; i++) {
            // Jackson's rule: \n, \r\n and a lone \r each end a line.
            if (json[i] == '\n' || (json[i] == '\r' && (i + 1 == json.length || json[i + 1] != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (int i = lineStart; i < end; i++) {
            if ((json[i] & 0xC0) != 0x80) { // not a UTF-8 continuation byte: a character starts here
                column++;
            }
        }
        String where = "at line " + line + ", column " + column + (path.isEmpty() ? "" : " (" + path + ")");
        String error = mismatch == null ? "invalid JSON " + where + ": " + what : "JSON " + where + " " + mismatch + ": " + what;
        return new JsonProblem(400, bounded(error), line, column, path);
    }

    private static long offset(TokenStreamLocation location) {
        return location == null ? -1 : location.getByteOffset();
    }

    /** {@return the member the failure happened in, as a JSON Pointer (RFC 6901), bounded} */
    private static String path(JacksonException failure) {
        StringBuilder pointer = new StringBuilder();
        for (JacksonException.Reference reference : failure.getPath()) {
            if (pointer.length() > MAX_PATH_LENGTH) {
                break;
            }
            pointer.append('/');
            if (reference.getPropertyName() != null) {
                pointer.append(reference.getPropertyName().replace("~", "~0").replace("/", "~1"));
            } else if (reference.getIndex() >= 0) {
                pointer.append(reference.getIndex());
            } else {
                pointer.append('-');
            }
        }
        String path = CONTROL.matcher(pointer).replaceAll(" ");
        return path.length() > MAX_PATH_LENGTH ? cut(path, MAX_PATH_LENGTH) + "…" : path;
    }

    /** {@return Jackson's message for a client: no class names, no configuration advice, no control characters} */
    static String clean(String message) {
        String text = message == null ? "unreadable" : message;
        if (text.length() > MAX_MESSAGE_SCAN) {
            text = cut(text, MAX_MESSAGE_SCAN);
        }
        text = ADVICE.matcher(text).replaceAll("");
        text = BACKTICKED.matcher(text).replaceAll(span -> Matcher.quoteReplacement(
                "`" + QUALIFIED.matcher(span.group(1)).replaceAll(name -> Matcher.quoteReplacement(name.group(1))) + "`"));
        return CONTROL.matcher(text).replaceAll(" ");
    }

    private static String simpleName(String type) {
        return QUALIFIED.matcher(type).replaceAll(name -> Matcher.quoteReplacement(name.group(1)));
    }

    /** {@return {@code error} in at most {@link JsonProblem#MAX_ERROR_LENGTH} characters} */
    private static String bounded(String error) {
        return error.length() <= JsonProblem.MAX_ERROR_LENGTH ? error : cut(error, JsonProblem.MAX_ERROR_LENGTH - 1) + "…";
    }

    /** {@return the first {@code length} characters of {@code text}, or one fewer rather than half a surrogate pair} */
    private static String cut(String text, int length) {
        return text.substring(0, Character.isHighSurrogate(text.charAt(length - 1)) ? length - 1 : length);
    }
}
