package dev.spindle.metrics;

import dev.spindle.io.http.HttpServer;
import dev.spindle.io.http.HttpServerStats;
import dev.spindle.io.tls.TlsFailure;
import dev.spindle.io.tls.TlsStats;
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
        if (server.secure()) {
            tls(bound, registry, server, tags);
        }
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

    /** An HTTPS server's handshakes: finished, failed by kind (a fixed set), and what was refused. */
    private static void tls(BoundMeters bound, MeterRegistry registry, HttpServer server, Tags tags) {
        bound.add(FunctionCounter.builder("spindle.tls.handshakes", server, s -> s.tlsStats().handshakes())
                .description("TLS handshakes finished").tags(tags).register(registry));
        for (TlsFailure kind : TlsFailure.values()) {
            bound.add(FunctionCounter.builder("spindle.tls.handshakes.failed", server,
                            s -> s.tlsStats().failures().getOrDefault(kind, 0L))
                    .description("TLS handshakes that failed, by kind (timeouts, oversized and plaintext clients are OTHER)")
                    .tags(tags).tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        tlsRefused(bound, registry, server, tags, "timeout", TlsStats::timedOut);
        tlsRefused(bound, registry, server, tags, "oversized", TlsStats::oversized);
        tlsRefused(bound, registry, server, tags, "plaintext", TlsStats::plaintextRefused);
        tlsRefused(bound, registry, server, tags, "renegotiation", TlsStats::renegotiationRefused);
        tlsRefused(bound, registry, server, tags, "bad_record", TlsStats::badRecords);
    }

    private static void tlsRefused(BoundMeters bound, MeterRegistry registry, HttpServer server, Tags tags, String kind,
            ToDoubleFunction<TlsStats> read) {
        bound.add(FunctionCounter.builder("spindle.tls.refused", server, s -> read.applyAsDouble(s.tlsStats()))
                .description("TLS connections closed for what the peer did: a slow handshake, too many handshake bytes,"
                        + " plaintext on the TLS port, a renegotiation, a record the engine refused")
                .tags(tags).tag("kind", kind).register(registry));
    }

    private static void timeouts(BoundMeters bound, MeterRegistry registry, HttpServer server, Tags tags, String kind,
            ToDoubleFunction<HttpServerStats> read) {
        bound.add(FunctionCounter.builder("spindle.http.server.timeouts", server, s -> read.applyAsDouble(s.stats()))
                .description("Requests answered 408 (head, body) and connections closed (idle, unread) for time")
                .tags(tags).tag("kind", kind).register(registry));
    }
}
