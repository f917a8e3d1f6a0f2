package dev.spindle.metrics;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.io.Io;
import dev.spindle.io.TcpListener;
import dev.spindle.io.http.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Thread-safe. Registers Micrometer meters for Spindle's parts in a {@link MeterRegistry}: one
 * {@code bind} per part, each returning the meters it made, which {@link BoundMeters#close()}
 * removes again (and with them the hooks that fed them).
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * SpindleMetrics.bind(registry, system);
 * SpindleMetrics.bind(registry, io);
 * SpindleMetrics.bind(registry, server, "api");
 * SpindleMetrics.bind(registry, listener, "door"); // a TcpListener from io.listen
 * // GET /metrics answers registry.scrape()
 * }</pre>
 *
 * <p>Most meters read counters the parts keep anyway ({@link ActorSystem#stats()},
 * {@link HttpServer#stats()}, {@link TcpListener#stats()}, ...) when the registry is scraped; they hold their part weakly, so a
 * closed server nobody holds is collected (its gauges then read NaN). Two are fed as things
 * happen: the HTTP request timer (a route's pattern, never a path: see
 * {@link dev.spindle.io.http.HttpServerObserver}) and the mailbox-depth distribution (sampled as
 * turns start). Names follow Micrometer's conventions; the Prometheus registry renders
 * {@code spindle.http.server.requests} as {@code spindle_http_server_requests_seconds_*}.
 */
public final class SpindleMetrics {

    private SpindleMetrics() {
    }

    /**
     * Meters of an actor system, tagged {@code system}: {@code spindle.actors.alive} (gauge),
     * {@code spindle.actors.spawned}, {@code spindle.actors.messages.processed},
     * {@code spindle.actors.processing.time} (seconds of threads running turns),
     * {@code spindle.actors.restarts}, {@code spindle.actors.dead.letters} (tagged {@code reason}),
     * all counters, and {@code spindle.actors.mailbox.depth}, a distribution of the depths actors'
     * mailboxes have as their turns start (sampled; see {@link ActorSystem#sampleMailboxDepths}).
     * Replaces any mailbox-depth sampler set before.
     */
    public static BoundMeters bind(MeterRegistry registry, ActorSystem system) {
        return ActorSystemMeters.bind(registry, system);
    }

    /**
     * A gauge {@code spindle.actor.mailbox.depth} (tags {@code system}, {@code actor}: its path) of
     * one actor you name: the depth of an actor that matters (a hub, a room), blocked or not.
     * Label only a bounded set of actors this way: each is a series of its own.
     */
    public static BoundMeters bindMailbox(MeterRegistry registry, ActorSystem system, ActorRef<?> actor) {
        return ActorSystemMeters.bindMailbox(registry, system, actor);
    }

    /** {@link #bind(MeterRegistry, HttpServer, String)} with the server named {@code http}. */
    public static BoundMeters bind(MeterRegistry registry, HttpServer server) {
        return bind(registry, server, "http");
    }

    /**
     * Meters of an HTTP server, tagged {@code server} ({@code name}): connections open (gauge),
     * accepted and refused; requests refused as malformed; bytes read and written
     * ({@code spindle.http.server.bytes}, tag {@code direction}); timeouts by {@code kind}
     * ({@code head}, {@code body}, {@code idle}, {@code unread}); and the timer
     * {@code spindle.http.server.requests} tagged {@code route} (the route's pattern, or
     * {@code unmatched}), {@code method} and {@code status}, with a latency histogram. Replaces
     * the server's observer set before.
     */
    public static BoundMeters bind(MeterRegistry registry, HttpServer server, String name) {
        return HttpServerMeters.bind(registry, server, name);
    }

    /**
     * Meters of a plain TCP listener ({@link Io#listen}), tagged {@code listener} ({@code name}):
     * {@code spindle.tcp.server.connections.open} (gauge), {@code spindle.tcp.server.connections.accepted}
     * (refused ones included), {@code spindle.tcp.server.connections.refused} (reset as soon as accepted:
     * {@code TcpOptions.maxConnections} were open), {@code spindle.tcp.server.bytes} (tag {@code direction}:
     * {@code read}, {@code written}) and {@code spindle.tcp.server.dropped} (bytes written after a
     * connection closed, never sent), read from {@link TcpListener#stats()}. The listener is held
     * weakly; its connections still count after it closes.
     */
    public static BoundMeters bind(MeterRegistry registry, TcpListener listener, String name) {
        return TcpListenerMeters.bind(registry, listener, name);
    }

    /**
     * Meters of an {@link Io}'s loops: {@code spindle.io.loop.failures} (errors a loop survived)
     * and {@code spindle.io.loop.takeovers} (a handler held a loop for milliseconds and a new
     * thread took it over: move that work to {@code ctx.offload}).
     */
    public static BoundMeters bind(MeterRegistry registry, Io io) {
        return IoMeters.bind(registry, io);
    }

    /**
     * Meters of a cluster's primary: {@code spindle.cluster.workers} and
     * {@code spindle.cluster.workers.up}, {@code spindle.cluster.workers.given.up} (gauges),
     * {@code spindle.cluster.worker.restarts} and {@code spindle.cluster.worker.unresponsive}
     * (counters), and its IPC traffic (below), tagged {@code process=primary}.
     */
    public static BoundMeters bind(MeterRegistry registry, ClusterPrimary primary) {
        return ClusterMeters.bind(registry, primary);
    }

    /**
     * Meters of a worker's IPC with its primary, tagged {@code process=worker-N}:
     * {@code spindle.cluster.ipc.frames} and {@code spindle.cluster.ipc.bytes} (tag
     * {@code direction}: {@code sent}, {@code received}) and {@code spindle.cluster.ipc.undelivered}.
     */
    public static BoundMeters bind(MeterRegistry registry, ClusterWorker worker) {
        return ClusterMeters.bind(registry, worker);
    }
}
