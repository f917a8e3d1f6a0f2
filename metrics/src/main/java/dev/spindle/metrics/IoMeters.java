package dev.spindle.metrics;

import dev.spindle.io.Io;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/** Thread-safe (stateless). The meters of an {@link Io}'s loops; see {@link SpindleMetrics#bind(MeterRegistry, Io)}. */
final class IoMeters {

    private IoMeters() {
    }

    static BoundMeters bind(MeterRegistry registry, Io io) {
        BoundMeters bound = new BoundMeters(registry);
        bound.add(FunctionCounter.builder("spindle.io.loop.failures", io, Io::loopFailures)
                .description("Errors an io loop survived (the channel at fault was closed)").register(registry));
        bound.add(FunctionCounter.builder("spindle.io.loop.takeovers", io, Io::loopTakeovers)
                .description("Handlers that held an io loop for milliseconds, so that a new thread took it over")
                .register(registry));
        return bound;
    }
}
