package dev.spindle.io;

/**
 * Immutable. What the connections a {@link TcpListener} accepted have done since it started: a
 * snapshot from {@link TcpListener#stats()}, each count read on its own (a snapshot taken while
 * connections work may be a read apart between two counts). Connections made with
 * {@link Io#connect} belong to no listener and are not counted anywhere. A listener holds at most
 * {@link TcpOptions#maxConnections()} open; each one more is reset as soon as it is accepted, never
 * handed to the owner, and counted as refused.
 *
 * @param openConnections connections open now (accepted and not yet closed); they stay counted after
 *                        their listener closes, until each closes
 * @param accepted        connections accepted in all, refused ones included
 * @param refused         connections reset at once, never handed to the owner: {@code maxConnections}
 *                        were open
 * @param bytesRead       bytes read from the connections, counted as each read is handed to its owner
 * @param bytesWritten    bytes the connections handed to the kernel, counted after each flush (a peer
 *                        may have read them a moment before they are counted)
 * @param droppedBytes    bytes written to connections and never sent: queued when a connection closed,
 *                        or written after (each connection's {@link TcpConnection#droppedBytes()}, added up)
 */
public record TcpListenerStats(int openConnections, long accepted, long refused, long bytesRead, long bytesWritten,
        long droppedBytes) {
}
