package dev.spindle.io.internal;

import dev.spindle.io.TcpListenerStats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe. The counts behind a listener's {@link dev.spindle.io.TcpListener#stats()}: added to
 * by its own loop (accepted, refused) and by the loops that own its connections (closed, bytes), each an
 * uncontended {@link LongAdder} add at most once per read, per flush, per accept and per close;
 * summed only when someone asks.
 */
final class TcpListenerCounters {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder droppedBytes = new LongAdder();

    void accepted() {
        accepted.increment();
    }

    /** Listener's loop: one of the accepted was reset at once, never handed on. */
    void refused() {
        refused.increment();
    }

    /**
     * Listener's loop. {@return connections accepted, not refused and not yet closed} Exact but for
     * closes on other loops a moment ago, which may not be summed yet: never less than the truth.
     */
    long open() {
        return accepted.sum() - refused.sum() - closed.sum();
    }

    void closed() {
        closed.increment();
    }

    void read(long bytes) {
        bytesRead.add(bytes);
    }

    void wrote(long bytes) {
        bytesWritten.add(bytes);
    }

    void dropped(long bytes) {
        droppedBytes.add(bytes);
    }

    TcpListenerStats snapshot() {
        // Closed and refused first: a connection's accept happens-before its close or refusal, so
        // every one seen here has its accept seen below, and the open count is never negative.
        long gone = closed.sum();
        long turnedAway = refused.sum();
        long taken = accepted.sum();
        return new TcpListenerStats((int) Math.min(Integer.MAX_VALUE, taken - turnedAway - gone), taken, turnedAway,
                bytesRead.sum(),
                bytesWritten.sum(), droppedBytes.sum());
    }
}
