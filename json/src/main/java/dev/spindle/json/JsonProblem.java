package dev.spindle.json;

import dev.spindle.io.http.HttpRequest;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * Immutable. Why a body was not read: where (line and column, from 1, in characters; and the
 * member, as a JSON Pointer such as {@code /items/2/name}, when the JSON was valid but did not fit
 * the type) and what, in one sentence of at most {@link #MAX_ERROR_LENGTH} characters that shows
 * no more of the input than a short excerpt and none of the server's class names.
 *
 * <p>{@link #respond} answers it, as {@code application/json}:
 * <pre>{@code
 * 400 {"error":"invalid JSON at line 2, column 11: Unexpected character (']' (code 93)): expected a value","line":2,"column":11}
 * 400 {"error":"JSON at line 1, column 23 (/times) does not fit: Cannot deserialize value of type `int` from String \"many\": not a valid `int` value","line":1,"column":23,"path":"/times"}
 * 415 {"error":"send the body as Content-Type: application/json, not text/plain"}
 * }</pre>
 *
 * @param status the status to answer a request with: 400, or 415 for a body not sent as JSON
 * @param error  what is wrong, and where
 * @param line   the line of the problem, from 1; 0 when it has no position (415)
 * @param column the column of the problem in that line, in characters from 1; 0 when it has no position
 * @param path   the member that did not fit, as a JSON Pointer; empty for the document itself or unknown
 */
public record JsonProblem(int status, String error, int line, int column, String path) {

    /** The longest {@link #error}, in characters: an answer never echoes more of the input than fits in it. */
    public static final int MAX_ERROR_LENGTH = 300;

    public JsonProblem {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(path, "path");
    }

    /** Answers {@code request} with this problem: its {@link #status}, the JSON shown above. */
    public void respond(HttpRequest request) {
        request.respond(status, "application/json", toJson());
    }

    /** {@return the body {@link #respond} sends} */
    public byte[] toJson() {
        ObjectNode answer = JsonMapper.shared().createObjectNode().put("error", error);
        if (line > 0) {
            answer.put("line", line).put("column", column);
        }
        if (!path.isEmpty()) {
            answer.put("path", path);
        }
        return JsonMapper.shared().writeValueAsBytes(answer);
    }
}
