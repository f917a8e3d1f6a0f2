package dev.spindle.io.http;

import dev.spindle.io.WriteQueueFullException;

/**
 * Thread-safe. A streamed answer: its head is sent when every answer owed before it on the
 * connection has been, then each {@link #write} as it is made (a chunk of
 * {@code Transfer-Encoding: chunked}, or raw bytes when the answer declared a
 * {@code Content-Length}), until {@link #end}. What happens to it arrives as
 * {@link ResponseWriterEvent}s, {@link ResponseWriterEvent.Closed} last. Answers to later requests on the
 * connection wait until this one ends.
 *
 * <p>Flow control is Node's, as for {@link dev.spindle.io.TcpConnection}: {@code write} returns
 * {@code false} once the bytes queued reach the server's high-water mark
 * ({@link dev.spindle.io.TcpOptions#highWaterMark()}), and a {@link ResponseWriterEvent.Drained}
 * follows when they fall to the low-water mark. A writer that ignores it is stopped at
 * {@link dev.spindle.io.TcpOptions#maxQueuedBytes()}, so a client that does not read (an abandoned
 * Server-Sent Events tab) never makes the server buffer without bound: drop it with {@link #abort}.
 *
 * <pre>{@code
 * ResponseWriter sse = request.response().header("Content-Type", "text/event-stream").stream(ctx.self());
 * if (!sse.write("data: hello\n\n")) { ... wait for Drained, or abort() a client that does not read }
 * }</pre>
 */
public interface ResponseWriter {

    /**
     * Queues {@code data} (copied) to be sent.
     *
     * @return {@code true} while the queue is below the high-water mark; {@code false} once it has
     *         reached it (wait for {@link ResponseWriterEvent.Drained}), or when the connection has
     *         closed (the bytes are counted in {@link #droppedBytes()})
     * @throws WriteQueueFullException if queuing would pass the server's {@code maxQueuedBytes}
     * @throws IllegalStateException after {@link #end}
     */
    boolean write(byte[] data);

    /** {@link #write(byte[])} of {@code text} as UTF-8. */
    boolean write(String text);

    /** Ends the answer once the bytes queued have gone; the connection goes on with the next request. Again: nothing. */
    void end();

    /** Drops what is queued and resets the connection; {@link ResponseWriterEvent.Closed} follows, with a cause. */
    void abort();

    /** {@return bytes queued and not yet handed to the connection} */
    long queuedBytes();

    /** {@return bytes written to this stream that were never sent: the connection closed first} */
    long droppedBytes();
}
