package dev.spindle.samples.chat;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.ActorSystem;
import dev.spindle.actors.Behavior;
import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.io.Io;
import dev.spindle.io.IoConfig;
import dev.spindle.io.TcpListener;
import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpRequest;
import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerOptions;
import dev.spindle.io.http.Router;
import dev.spindle.metrics.SpindleMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Thread-safe. One chat worker's {@code /metrics} (Prometheus's text format: its actors, io loop,
 * HTTP server, TCP door and IPC, every series tagged {@code worker}) and {@code /health} (200 while it serves,
 * 503 once it drains: a rolling restart or a shutdown has begun, so a load balancer stops sending
 * it new clients). A scrape through the shared port reaches one worker, whichever the port hands
 * the connection to; the {@code worker} tag tells them apart. The primary's own meters (the
 * cluster's: workers up, restarts, ...) are on a port of their own ({@link #servePrimary},
 * {@code -DmetricsPort=N}).
 */
final class Observability {

    /** Prometheus's text exposition format, as its scrapers ask for it. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean draining = new AtomicBoolean();

    /** The metrics route's messages: a scrape asked for, and its text made off the loop. */
    sealed interface Scrape {
        record Asked(HttpRequest request) implements Scrape {
        }

        record Made(HttpRequest request, String text) implements Scrape {
        }

        record Failed(HttpRequest request, Throwable cause) implements Scrape {
        }
    }

    /** Meters of this worker's actor system and io loops, every series tagged {@code worker}. */
    Observability(ActorSystem system, Io io, int workerId) {
        registry.config().commonTags("worker", Integer.toString(workerId));
        SpindleMetrics.bind(registry, system);
        SpindleMetrics.bind(registry, io);
    }

    /** The HTTP server and the worker's IPC, once they exist. */
    void bind(HttpServer server, ClusterWorker worker) {
        bindServer(server);
        SpindleMetrics.bind(registry, worker);
    }

    void bindServer(HttpServer server) {
        SpindleMetrics.bind(registry, server, "chat");
    }

    /** The TCP door's listener ({@code nc localhost 9090}): its sessions open, accepted, and their bytes, tagged {@code listener=door}. */
    void bindDoor(TcpListener door) {
        SpindleMetrics.bind(registry, door, "door");
    }

    /** Adds {@code GET /metrics} and {@code GET /health}, each answered by an actor of {@code system}. */
    Router.Builder routes(Router.Builder router, ActorSystem system) {
        ActorRef<Scrape> metrics = system.spawn(metrics(), "metrics");
        ActorRef<HttpRequest> health = system.spawn(health(), "health");
        return router.route(HttpMethod.GET, "/metrics", metrics, Scrape.Asked::new).get("/health", health);
    }

    /**
     * The primary's meters, at {@code GET /metrics} on a port of its own ({@code port}; 0: any):
     * its actor system and the cluster's (workers up, restarts, given up, found unresponsive, the
     * primary's IPC), which no worker can see. A server on one io loop of its own, closed when the
     * primary terminates. {@return the server}
     */
    static HttpServer servePrimary(ActorSystem system, ClusterPrimary primary, int port) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SpindleMetrics.bind(registry, system);
        SpindleMetrics.bind(registry, primary);
        Io io = Io.create(IoConfig.defaults().withLoops(1));
        ActorRef<Scrape> metrics = system.spawn(scrapes(registry), "metrics");
        HttpServer server;
        try {
            server = HttpServer.listen(io, new InetSocketAddress(port), HttpServerOptions.defaults(),
                    Router.builder().route(HttpMethod.GET, "/metrics", metrics, Scrape.Asked::new).build());
        } catch (IOException | RuntimeException e) {
            io.close();
            throw e;
        }
        SpindleMetrics.bind(registry, io);
        SpindleMetrics.bind(registry, server, "primary");
        primary.terminated().whenComplete((done, failure) -> {
            server.close();
            io.close();
        });
        return server;
    }

    /** The worker begins to drain: {@code /health} answers 503 from now on. Call it before the server's shutdown. */
    void draining() {
        draining.set(true);
    }

    private Behavior<HttpRequest> health() {
        return (ctx, request) -> {
            if (draining.get()) {
                request.respond(503, "text/plain; charset=utf-8", "draining\n");
            } else {
                request.respond(200, "text/plain; charset=utf-8", "serving\n");
            }
            return Behavior.same();
        };
    }

    private Behavior<Scrape> metrics() {
        return scrapes(registry);
    }

    /** A scrape formats every series: made with {@code ctx.offload}, so the io loop that hosts this actor is not held. */
    private static Behavior<Scrape> scrapes(PrometheusMeterRegistry registry) {
        return (ctx, message) -> {
            switch (message) {
                case Scrape.Asked(HttpRequest request) -> ctx.offload(registry::scrape,
                        text -> new Scrape.Made(request, text), failure -> new Scrape.Failed(request, failure));
                case Scrape.Made(HttpRequest request, String text) -> request.respond(200, PROMETHEUS_TEXT, text);
                case Scrape.Failed(HttpRequest request, Throwable cause) -> {
                    ctx.log().error("a scrape failed", cause);
                    request.respond(500, "text/plain; charset=utf-8", "the scrape failed\n");
                }
            }
            return Behavior.same();
        };
    }
}
