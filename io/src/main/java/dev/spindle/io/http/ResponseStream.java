package dev.spindle.io.http;

/**
 * Thread-safe. A response body read at the receiver's pace ({@link HttpClient#stream}), as
 * files are with {@link dev.spindle.io.FileStream}: one
 * {@link HttpClientEvent.BodyChunk} per chunk asked for (the stream starts with one asked for).
 * While nothing is asked for, the client stops reading the socket, so TCP slows the server down
 * and the client holds at most one read's worth of bytes for this response.
 */
public interface ResponseStream {

    /** Asks for {@code chunks} more chunks. */
    void request(int chunks);

    /** Stops the response: its connection closes, and nothing more is sent for it. */
    void cancel();
}
