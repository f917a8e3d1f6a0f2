package dev.spindle.metrics;

import dev.spindle.cluster.ClusterPrimary;
import dev.spindle.cluster.ClusterWorker;
import dev.spindle.cluster.IpcStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.function.ToDoubleFunction;

/** Thread-safe (stateless). The meters of a cluster's primary or worker; see {@link SpindleMetrics}. */
final class ClusterMeters {

    private ClusterMeters() {
    }

    static BoundMeters bind(MeterRegistry registry, ClusterPrimary primary) {
        BoundMeters bound = new BoundMeters(registry);
        bound.add(Gauge.builder("spindle.cluster.workers", primary, p -> p.stats().workers())
                .description("Worker slots").register(registry));
        bound.add(Gauge.builder("spindle.cluster.workers.up", primary, p -> p.stats().workersUp())
                .description("Worker slots whose current process is connected").register(registry));
        bound.add(Gauge.builder("spindle.cluster.workers.given.up", primary, p -> p.stats().givenUp())
                .description("Worker slots given up on after crash loops, not tried again yet").register(registry));
        bound.add(FunctionCounter.builder("spindle.cluster.worker.restarts", primary, p -> p.stats().restarts())
                .description("Worker processes started again after a crash").register(registry));
        bound.add(FunctionCounter.builder("spindle.cluster.worker.unresponsive", primary, p -> p.stats().unresponsive())
                .description("Times a worker process was found silent (no IPC, not even a heartbeat)")
                .register(registry));
        ipc(bound, registry, primary, Tags.of("process", "primary"), p -> p.stats().ipc());
        return bound;
    }

    static BoundMeters bind(MeterRegistry registry, ClusterWorker worker) {
        BoundMeters bound = new BoundMeters(registry);
        ipc(bound, registry, worker, Tags.of("process", "worker-" + worker.id()), ClusterWorker::ipcStats);
        return bound;
    }

    private interface Reader<T> {
        IpcStats read(T node);
    }

    private static <T> void ipc(BoundMeters bound, MeterRegistry registry, T node, Tags tags, Reader<T> stats) {
        ipcCounter(bound, registry, node, "spindle.cluster.ipc.frames", null, tags, "sent", n -> stats.read(n).framesSent());
        ipcCounter(bound, registry, node, "spindle.cluster.ipc.frames", null, tags, "received",
                n -> stats.read(n).framesReceived());
        ipcCounter(bound, registry, node, "spindle.cluster.ipc.bytes", "bytes", tags, "sent", n -> stats.read(n).bytesSent());
        ipcCounter(bound, registry, node, "spindle.cluster.ipc.bytes", "bytes", tags, "received",
                n -> stats.read(n).bytesReceived());
        bound.add(FunctionCounter.builder("spindle.cluster.ipc.undelivered", node, n -> stats.read(n).undelivered())
                .description("Messages that could not be handed to a connected peer").tags(tags).register(registry));
    }

    private static <T> void ipcCounter(BoundMeters bound, MeterRegistry registry, T node, String name, String unit,
            Tags tags, String direction, ToDoubleFunction<T> read) {
        bound.add(FunctionCounter.builder(name, node, read).description("IPC frames and bytes, heartbeats included")
                .baseUnit(unit).tags(tags).tag("direction", direction).register(registry));
    }
}
