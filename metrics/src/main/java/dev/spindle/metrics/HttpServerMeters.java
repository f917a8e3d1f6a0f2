package dev.spindle.metrics;

import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.ToDoubleFunction;

/** Thread-safe (stateless). The meters of an HTTP server; see {@link SpindleMetrics#bind(MeterRegistry, HttpServer, String)}. */
final class HttpServerMeters {

    private HttpServerMeters() {
    }

    static BoundMeters bind(MeterRegistry registry, HttpServer server, String name) {
        BoundMeters bound = new BoundMeters(registry);
        Tags tags = Tags.of("server", name);
        bound.add(Gauge.builder("spindle.http.server.connections.open", server, HttpServer::openConnections)
                .description("Connections open now").tags(tags).register(registry));
        counter(bound, registry, server, "spindle.http.server.connections.accepted", tags,
                "Connections accepted, refused ones included", HttpServerStats::accepted);
        counter(bound, registry, server, "spindle.http.server.connections.refused", tags,
                "Connections refused with 503: maxConnections were open", HttpServerStats::refused);
        counter(bound, registry, server, "spindle.http.server.rejected", tags,
                "Requests refused as malformed or over a limit (400, 413, 431, ...)", HttpServerStats::rejected);
        bound.add(FunctionCounter.builder("spindle.http.server.bytes", server, s -> s.stats().bytesRead())
                .description("Bytes read from and written to clients (added up every 250 ms and at close)")
                .baseUnit("bytes").tags(tags).tag("direction", "read").register(registry));
        bound.add(FunctionCounter.builder("spindle.http.server.bytes", server, s -> s.stats().bytesWritten())
                .description("Bytes read from and written to clients (added up every 250 ms and at close)")
                .baseUnit("bytes").tags(tags).tag("direction", "written").register(registry));
        timeouts(bound, registry, server, tags, "head", HttpServerStats::headTimedOut);
        timeouts(bound, registry, server, tags, "body", HttpServerStats::bodyTimedOut);
        timeouts(bound, registry, server, tags, "idle", HttpServerStats::idleClosed);
        timeouts(bound, registry, server, tags, "unread", HttpServerStats::unreadClosed);
        RequestTimers timers = new RequestTimers(registry, tags, bound);
        server.observe(timers);
        bound.onClose(() -> server.observe(null));
        return bound;
    }

    private static void counter(BoundMeters bound, MeterRegistry registry, HttpServer server, String name, Tags tags,
            String description, ToDoubleFunction<HttpServerStats> read) {
        bound.add(FunctionCounter.builder(name, server, s -> read.applyAsDouble(s.stats()))
                .description(description).tags(tags).register(registry));
    }

    private static void timeouts(BoundMeters bound, MeterRegistry registry, HttpServer server, Tags tags, String kind,
            ToDoubleFunction<HttpServerStats> read) {
        bound.add(FunctionCounter.builder("spindle.http.server.timeouts", server, s -> read.applyAsDouble(s.stats()))
                .description("Requests answered 408 (head, body) and connections closed (idle, unread) for time")
                .tags(tags).tag("kind", kind).register(registry));
    }
}
