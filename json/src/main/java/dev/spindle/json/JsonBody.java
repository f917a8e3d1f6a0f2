package dev.spindle.json;

import java.util.Objects;

/**
 * Immutable. What {@link JsonCodec#read} made of a body: the value, or what is wrong with the
 * JSON. Read it with a switch, which cannot forget the second case:
 *
 * <pre>{@code
 * switch (json.read(request, NewMessage.class)) {
 *     case JsonBody.Valid(NewMessage message) -> ...;
 *     case JsonBody.Invalid(JsonProblem problem) -> problem.respond(request); // 400, where and what
 * }
 * }</pre>
 *
 * @param <T> the type read
 */
public sealed interface JsonBody<T> {

    /** The body, read as a {@code T}; never null (a JSON {@code null} is {@link Invalid}). */
    record Valid<T>(T value) implements JsonBody<T> {
        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The body is not JSON, or not JSON of the shape asked for, or not sent as JSON. */
    record Invalid<T>(JsonProblem problem) implements JsonBody<T> {
        public Invalid {
            Objects.requireNonNull(problem, "problem");
        }
    }
}
