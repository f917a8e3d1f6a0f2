package dev.spindle.io.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Thread-safe. Decides which occurrences of a recurring condition (a refused connection, a failed
 * accept) get a warning: the first, then at most one per interval, which says how many happened
 * since the previous one. A flood must not become a flood of log lines (disk, and the time spent
 * formatting them), and nothing is lost: every occurrence is told in some warning's count.
 */
public final class WarningRate {

    private final long intervalNanos;
    /** Occurrences not yet told in a warning. */
    private final AtomicLong untold = new AtomicLong();
    /** When the last warning was claimed ({@code nanoTime}, boxed only then); null before the first. */
    private final AtomicReference<Long> lastWarning = new AtomicReference<>();

    public WarningRate(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /**
     * Counts one occurrence at {@code now} ({@code System.nanoTime()}). {@return how many
     * occurrences the caller's warning must tell (this one and those untold before it), or 0 if
     * it must not warn}
     */
    public long occurred(long now) {
        untold.incrementAndGet();
        Long last = lastWarning.get();
        if (last != null && now - last < intervalNanos) {
            return 0;
        }
        if (!lastWarning.compareAndSet(last, now)) {
            return 0; // another thread claimed this interval's warning
        }
        return untold.getAndSet(0);
    }
}
