package dev.spindle.io.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe, lock-free. Runs work off the loops, at most {@code max} at once; more waits in
 * order, and starts as one ends. Nobody blocks: the submitter returns at once, and the thread that
 * ends a piece of work starts the next. Used for TLS handshakes' delegated tasks (the signature
 * and key agreement, ~0.7 ms of CPU each with P-256): a flood of handshakes then takes at most
 * {@code max} cores' worth of virtual threads, and actors' turns keep the rest.
 */
public final class OffloadLimiter {

    private final int max;
    private final AtomicInteger running = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicLong mostWaiting = new AtomicLong();

    public OffloadLimiter(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1: " + max);
        }
        this.max = max;
    }

    /** {@return a limiter of one piece of work per core} */
    public static OffloadLimiter perCore() {
        return new OffloadLimiter(Runtime.getRuntime().availableProcessors());
    }

    /** Runs {@code work} on a virtual thread named {@code name} now, or once fewer than {@code max} run. */
    void submit(Runnable work, String name) {
        waiting.offer(() -> Thread.ofVirtual().name(name).start(() -> {
            try {
                work.run();
            } finally {
                running.decrementAndGet();
                startWhatWaits();
            }
        }));
        startWhatWaits();
    }

    private void startWhatWaits() {
        while (!waiting.isEmpty()) {
            int now = running.get();
            if (now >= max) {
                long size = waiting.size();
                mostWaiting.accumulateAndGet(size, Math::max);
                return; // the one that ends next starts it
            }
            if (!running.compareAndSet(now, now + 1)) {
                continue;
            }
            Runnable next = waiting.poll();
            if (next == null) {
                running.decrementAndGet(); // another thread took it: look again
                continue;
            }
            next.run();
        }
    }

    /** {@return pieces of work running now} */
    public int running() {
        return running.get();
    }

    /** {@return the most that have waited at once, so far} */
    public long mostWaiting() {
        return mostWaiting.get();
    }
}
