package dev.spindle.io;

import java.io.Serial;

/**
 * Thrown by {@link TcpConnection#write} when the bytes already queued would pass the connection's
 * {@link TcpOptions#maxQueuedBytes()}: the peer is not reading and the writer ignored
 * {@code write}'s {@code false}. Nothing of the refused write was queued.
 */
public final class WriteQueueFullException extends IllegalStateException {

    @Serial
    private static final long serialVersionUID = 1L;

    public WriteQueueFullException(String message) {
        super(message);
    }
}
