package dev.spindle.io.http;

/**
 * Thread-safe. The body of a request on a {@linkplain Router.Builder#streamingBody() streaming
 * route}, read at the reader's pace as files are with {@link dev.spindle.io.FileStream}: one
 * {@link RequestBodyEvent.Chunk} per chunk asked for (the stream starts with one asked for), then
 * {@link RequestBodyEvent.End}. While nothing is asked for, the server stops reading the
 * connection, so TCP slows the client down and the server holds at most one read of it.
 *
 * <p>Answer once the body has been read; an answer sent before its end closes the connection
 * after it (the rest of the body is not read), and the reader gets {@link RequestBodyEvent.Failed}.
 */
public interface RequestBodyStream {

    /** Asks for {@code chunks} more chunks. */
    void request(int chunks);

    /** Stops reading: the connection closes once the request is answered; nothing more is sent. */
    void cancel();
}
