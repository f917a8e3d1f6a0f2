package dev.spindle.io.internal;

import dev.spindle.io.TcpListenerStats;

import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe. The counts behind a listener's {@link dev.spindle.io.TcpListener#stats()}: added to
 * by its own loop (accepted) and by the loops that own its connections (closed, bytes), each an
 * uncontended {@link LongAdder} add at most once per read, per flush, per accept and per close;
 * summed only when someone asks.
 */
final class TcpListenerCounters {

    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder droppedBytes = new LongAdder();

    void accepted() {
        accepted.increment();
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
        // Closed first: a connection's accept happens-before its close, so every close seen here
        // has its accept seen below, and the open count is never negative.
        long gone = closed.sum();
        long taken = accepted.sum();
        return new TcpListenerStats((int) Math.min(Integer.MAX_VALUE, taken - gone), taken, bytesRead.sum(),
                bytesWritten.sum(), droppedBytes.sum());
    }
}
