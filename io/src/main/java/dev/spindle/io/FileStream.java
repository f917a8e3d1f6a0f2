package dev.spindle.io;

import java.nio.file.Path;

/**
 * Thread-safe. A file read in chunks, at the reader's pace: a chunk is read only when asked for
 * ({@link #request}), so a slow consumer never has more than it asked for in its mailbox.
 */
public interface FileStream {

    Path path();

    /** Asks for {@code chunks} more chunks (the stream starts with one asked for). */
    void request(int chunks);

    /** Stops reading; nothing more is sent. */
    void cancel();
}
