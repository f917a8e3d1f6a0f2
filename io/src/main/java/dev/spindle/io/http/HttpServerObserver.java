package dev.spindle.io.http;

/**
 * Called on the server's loop threads, several at once (one per loop). Hears of every answer an
 * {@link HttpServer} has finished, for metrics: set it with {@link HttpServer#observe}. It must be
 * quick and must not block: it runs between the loop's reads and writes. One that throws is logged
 * and removed.
 *
 * <p>The route is the matched route's pattern as given to the {@link Router}
 * ({@code /api/rooms/:room/messages}), never the request's path, so the set of routes is as small
 * as the router: a client sending random paths cannot grow it. Every request no route took is
 * {@link #UNMATCHED}: no route for its path (404) or its method (405), and requests refused before
 * routing (400, 408, 413, 431, ...).
 */
@FunctionalInterface
public interface HttpServerObserver {

    /** The route of every request that no route took. */
    String UNMATCHED = "unmatched";

    /**
     * An answer has ended: its last byte is handed to the socket (a streamed answer: its end).
     *
     * @param route  the matched route's pattern, or {@link #UNMATCHED}
     * @param method the request's method ({@link HttpMethod#OTHER} for one refused before its method was read)
     * @param status the answer's status
     * @param nanos  from the first byte of the request's head to the end of its answer
     */
    void answered(String route, HttpMethod method, int status, long nanos);
}
