package dev.spindle.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Thread-safe. The meters one {@link SpindleMetrics} bind registered: {@link #close()} removes
 * them from their registry and unhooks what fed them. Idempotent.
 */
public final class BoundMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Meter> meters = new ArrayList<>();
    private final List<Runnable> unhooks = new ArrayList<>();
    private boolean closed;

    BoundMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@return {@code meter}, kept for {@link #close()}} */
    <T extends Meter> T add(T meter) {
        lock.lock();
        try {
            meters.add(meter);
        } finally {
            lock.unlock();
        }
        return meter;
    }

    /** {@code unhook} runs at {@link #close()}, before the meters go. */
    void onClose(Runnable unhook) {
        lock.lock();
        try {
            unhooks.add(unhook);
        } finally {
            lock.unlock();
        }
    }

    /** {@return the meters registered, in order} */
    public List<Meter> meters() {
        lock.lock();
        try {
            return List.copyOf(meters);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        List<Meter> toRemove;
        List<Runnable> toRun;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            toRemove = List.copyOf(meters);
            toRun = List.copyOf(unhooks);
        } finally {
            lock.unlock();
        }
        toRun.forEach(Runnable::run);
        toRemove.forEach(registry::remove);
    }
}
