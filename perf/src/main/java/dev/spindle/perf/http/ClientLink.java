package dev.spindle.perf.http;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Single-threaded, like the {@link LoopbackClient} that owns it. How the client's plaintext reaches
 * the server and comes back: straight through a blocking socket ({@link PlainLink}) or through a
 * client-mode {@code SSLEngine} on one ({@link TlsClientLink}). Neither allocates once warm, apart
 * from what the engine itself does.
 */
sealed interface ClientLink extends AutoCloseable permits PlainLink, TlsClientLink {

    /** Sends all of {@code plaintext}'s remaining bytes, blocking until the socket took them. */
    void write(ByteBuffer plaintext) throws IOException;

    /**
     * Blocks until at least one byte of plaintext was appended to {@code plaintext}, which must have
     * room. {@return how many, or -1 if the server closed}
     */
    int read(ByteBuffer plaintext) throws IOException;

    @Override
    void close() throws IOException;
}
