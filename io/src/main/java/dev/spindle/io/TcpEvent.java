package dev.spindle.io;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Immutable. What a TCP listener or connection tells the actor that owns it; an actor handles it
 * with an exhaustive {@code switch}. Per connection, events arrive in the order they happened, and
 * {@link Closed} is the last one, sent exactly once to whoever is registered.
 */
public sealed interface TcpEvent {

    /** A listener accepted {@code connection}; reading starts once it is {@linkplain TcpConnection#register registered}. */
    record Accepted(TcpListener listener, TcpConnection connection) implements TcpEvent {
    }

    /** {@link Io#connect} succeeded: {@code connection} is registered to the actor that asked, and reading. */
    record Connected(TcpConnection connection) implements TcpEvent {
    }

    /** {@link Io#connect} failed: refused, unreachable, or timed out ({@link java.net.SocketTimeoutException}). */
    record ConnectFailed(InetSocketAddress remote, IOException cause) implements TcpEvent {
    }

    /**
     * Bytes the peer sent, in order. The array is the receiver's: nothing else holds it.
     * Connections deliver these until {@link TcpConnection#pauseReading paused}.
     */
    record Received(TcpConnection connection, byte[] data) implements TcpEvent {
    }

    /**
     * Bytes the peer sent, in order, for connections with {@link TcpOptions#pooledReads()}: a
     * buffer (up to 16 KiB) lent by the connection's loop, so that nothing is allocated per read.
     * Read it with {@link #get}, {@link #copyTo} or {@link #toArray}, then give it back, once:
     * {@link #release()}, or {@link TcpConnection#write(Data) write} it to any connection, which
     * releases it once sent (an echo or a proxy copies nothing). After that, do not touch it: the
     * loop reads into it again. One never given back is garbage collected like any object (the
     * pool then makes a new one); giving one back twice throws.
     *
     * <pre>{@code
     * case TcpEvent.Data data -> data.connection().write(data); // echo: no copy, no allocation
     * }</pre>
     */
    sealed interface Data extends TcpEvent permits dev.spindle.io.internal.LentBuffer {

        TcpConnection connection();

        /** {@return how many bytes it holds} */
        int length();

        /** {@return the byte at {@code index}}, 0 to {@code length() - 1} */
        byte get(int index);

        /** Copies {@code length} bytes from {@code index} into {@code destination} at {@code offset}. */
        void copyTo(int index, byte[] destination, int offset, int length);

        /** {@return a new array of its bytes} */
        byte[] toArray();

        /** Gives the buffer back to its loop's pool; then it must not be touched. */
        void release();
    }

    /**
     * A write had returned {@code false} (the queue reached the high-water mark) and the queue has
     * now fallen to the low-water mark: write again.
     */
    record WritesDrained(TcpConnection connection) implements TcpEvent {
    }

    /**
     * The peer shut down its output (end of stream). Unless the connection allows half-open, it
     * closes once our queued writes are sent; {@link Closed} follows.
     */
    record PeerClosed(TcpConnection connection) implements TcpEvent {
    }

    /**
     * The connection is closed; the last event it sends. {@code cause} is null after an orderly
     * close (ours or the peer's); else the error that ended it (a reset, say). Bytes written but
     * never sent are counted in {@link TcpConnection#droppedBytes()}.
     */
    record Closed(TcpConnection connection, IOException cause) implements TcpEvent {
    }

    /** The listener stopped accepting: {@link TcpListener#close()} or an error ({@code cause}). */
    record ListenerClosed(TcpListener listener, IOException cause) implements TcpEvent {
    }
}
