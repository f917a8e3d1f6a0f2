package dev.spindle.io.http;

import java.io.IOException;

/**
 * Immutable. A streamed request body's parts, told to the actor that asked for it with
 * {@link HttpRequest#streamBody}; per body in order, and {@link End} or {@link Failed} last.
 */
public sealed interface RequestBodyEvent {

    /** The body it is about. */
    RequestBodyStream stream();

    /** The next bytes of the body, as they came off the connection; the array is the receiver's. */
    record Chunk(RequestBodyStream stream, byte[] data) implements RequestBodyEvent {
    }

    /** The body is complete: {@code size} bytes in all. */
    record End(RequestBodyStream stream, long size) implements RequestBodyEvent {
    }

    /**
     * The body will not be complete: the client closed the connection or sent malformed framing
     * (it is answered with 400 after the answers owed before), or the request was answered first.
     */
    record Failed(RequestBodyStream stream, IOException cause) implements RequestBodyEvent {
    }
}
