package dev.spindle.metrics;

import dev.spindle.io.http.HttpMethod;
import dev.spindle.io.http.HttpServerObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe: called on the server's loops. The timer {@code spindle.http.server.requests} per
 * route pattern, method and status, each made once and then found in a map, so an answer costs a
 * lookup and a record, never a registry search. The labels are bounded by the router (patterns),
 * the methods enum and three-digit statuses.
 */
final class RequestTimers implements HttpServerObserver {

    /** Latency buckets: the histogram a dashboard's quantiles are computed from. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10)};

    private record Key(String route, HttpMethod method, int status) {
    }

    private final MeterRegistry registry;
    private final Tags tags;
    private final BoundMeters bound;
    private final ConcurrentHashMap<Key, Timer> timers = new ConcurrentHashMap<>();

    RequestTimers(MeterRegistry registry, Tags tags, BoundMeters bound) {
        this.registry = registry;
        this.tags = tags;
        this.bound = bound;
    }

    @Override
    public void answered(String route, HttpMethod method, int status, long nanos) {
        Key key = new Key(route, method, status);
        Timer timer = timers.get(key);
        if (timer == null) {
            timer = timers.computeIfAbsent(key, this::newTimer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer newTimer(Key key) {
        return bound.add(Timer.builder("spindle.http.server.requests")
                .description("HTTP requests answered, by route pattern, method and status: from the first byte of "
                        + "the request to the end of its answer")
                .tags(tags).tag("route", key.route()).tag("method", key.method().name())
                .tag("status", Integer.toString(key.status())).serviceLevelObjectives(BUCKETS).register(registry));
    }
}
