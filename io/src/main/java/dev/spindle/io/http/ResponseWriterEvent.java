package dev.spindle.io.http;

import java.io.IOException;

/**
 * Immutable. What happens to a {@link ResponseWriter}, told to the actor that started it; per
 * answer, in the order it happened, {@link Closed} last and exactly once.
 */
public sealed interface ResponseWriterEvent {

    /** The streamed answer it is about. */
    ResponseWriter writer();

    /**
     * A write had returned {@code false} (the queue reached the high-water mark) and the queue has
     * now fallen to the low-water mark: write again.
     */
    record Drained(ResponseWriter writer) implements ResponseWriterEvent {
    }

    /**
     * The stream is over. {@code cause} is null when it ended as asked ({@link ResponseWriter#end})
     * and all of it was handed to the connection; else why it stopped: the client closed the
     * connection or reset it, the stream was {@linkplain ResponseWriter#abort aborted}, or it wrote
     * more or less than its declared {@code Content-Length}.
     */
    record Closed(ResponseWriter writer, IOException cause) implements ResponseWriterEvent {
    }
}
