package dev.spindle.io.http;

/**
 * Immutable. What an {@link HttpServer} has served, refused and closed since it started: a
 * snapshot from {@link HttpServer#stats()}, each count read on its own (a snapshot taken while
 * the server works may be a request apart between two counts).
 *
 * @param openConnections connections open now
 * @param accepted        connections accepted in all, refused ones included
 * @param refused         connections refused at once with 503: {@code maxConnections} were open
 * @param requests        requests handed to the router (those answered 404 or 405 included)
 * @param rejected        requests refused as malformed or over a limit (400, 413, 417, 431, 501, 505); each
 *                        closed its connection
 * @param timedOut        requests whose head or body did not arrive in time (408); each closed its connection
 * @param idleClosed      keep-alive connections closed for being idle ({@code idleTimeout})
 * @param unreadClosed    connections closed because their client read none of the answers waiting for it
 *                        within {@code idleTimeout}
 * @param headTimedOut    of {@code timedOut}, requests whose head did not arrive within {@code headTimeout}
 * @param bodyTimedOut    of {@code timedOut}, requests whose body did not arrive within {@code bodyTimeout}
 * @param bytesRead       bytes read from clients; each connection adds its own at the server's sweep (every
 *                        250 ms) and as it closes, so the count lags by at most that
 * @param bytesWritten    bytes written to clients, added up the same way
 */
public record HttpServerStats(int openConnections, long accepted, long refused, long requests, long rejected,
        long timedOut, long idleClosed, long unreadClosed, long headTimedOut, long bodyTimedOut, long bytesRead,
        long bytesWritten) {
}
