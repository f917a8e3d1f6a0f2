package dev.spindle.metrics;

import dev.spindle.io.TcpListener;
import dev.spindle.io.TcpListenerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.ToDoubleFunction;

/** Thread-safe (stateless). The meters of a TCP listener; see {@link SpindleMetrics#bind(MeterRegistry, TcpListener, String)}. */
final class TcpListenerMeters {

    private TcpListenerMeters() {
    }

    static BoundMeters bind(MeterRegistry registry, TcpListener listener, String name) {
        BoundMeters bound = new BoundMeters(registry);
        Tags tags = Tags.of("listener", name);
        bound.add(Gauge.builder("spindle.tcp.server.connections.open", listener, l -> l.stats().openConnections())
                .description("Connections accepted and open now").tags(tags).register(registry));
        counter(bound, registry, listener, "spindle.tcp.server.connections.accepted", tags, null,
                "Connections accepted, refused ones included", TcpListenerStats::accepted);
        counter(bound, registry, listener, "spindle.tcp.server.connections.refused", tags, null,
                "Connections reset as soon as accepted: maxConnections were open", TcpListenerStats::refused);
        counter(bound, registry, listener, "spindle.tcp.server.bytes", tags.and("direction", "read"), "bytes",
                "Bytes read from and written to the accepted connections", TcpListenerStats::bytesRead);
        counter(bound, registry, listener, "spindle.tcp.server.bytes", tags.and("direction", "written"), "bytes",
                "Bytes read from and written to the accepted connections", TcpListenerStats::bytesWritten);
        counter(bound, registry, listener, "spindle.tcp.server.dropped", tags, "bytes",
                "Bytes written to accepted connections and never sent: the connection had closed", TcpListenerStats::droppedBytes);
        return bound;
    }

    private static void counter(BoundMeters bound, MeterRegistry registry, TcpListener listener, String name, Tags tags,
            String baseUnit, String description, ToDoubleFunction<TcpListenerStats> read) {
        bound.add(FunctionCounter.builder(name, listener, l -> read.applyAsDouble(l.stats()))
                .description(description).baseUnit(baseUnit).tags(tags).register(registry));
    }
}
