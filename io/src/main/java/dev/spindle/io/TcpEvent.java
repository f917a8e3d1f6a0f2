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
