package dev.spindle.io.http;

/**
 * Thread-safe. The body of a request sent with {@link HttpClient#upload}, written as it is made:
 * each {@link #write} becomes one chunk ({@code Transfer-Encoding: chunked}), {@link #end} the last.
 * Writes may start at once; they wait in order until the request has a connection.
 *
 * <p>Flow control is {@link dev.spindle.io.TcpConnection}'s, with the limits of the client's
 * {@link dev.spindle.io.TcpOptions}: {@code write} returns {@code false} once the bytes waiting
 * reach the high-water mark, and {@link HttpClientEvent.BodyDrained} follows at the low-water
 * mark; past {@code maxQueuedBytes} a write is refused with
 * {@link dev.spindle.io.WriteQueueFullException}. Bytes move on only as the socket takes them, so
 * a slow server slows the writer down instead of filling memory.
 */
public interface RequestBodyWriter {

    ClientRequest request();

    /**
     * Queues {@code data} (copied) as the next chunk; an empty array sends nothing.
     *
     * @return {@code true} while below the high-water mark; {@code false} at or past it (wait for
     *         {@link HttpClientEvent.BodyDrained}), or when the request has already ended or
     *         failed (a response came first, say): then nothing was queued
     * @throws dev.spindle.io.WriteQueueFullException if queuing would pass {@code maxQueuedBytes}
     * @throws IllegalStateException                 after {@link #end()}
     */
    boolean write(byte[] data);

    /** Ends the body (the last chunk follows what is queued). Ending twice does nothing. */
    void end();
}
