package dev.spindle.io.internal;

import dev.spindle.io.tls.TlsFailure;
import dev.spindle.io.tls.TlsStats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Thread-safe. One TLS context's handshake counters, added to by its loops' transports, and the
 * limit on how many of its handshakes' delegated tasks run at once (one per core).
 */
public final class TlsCounters {

    /** Where this context's handshakes run their delegated tasks. */
    final OffloadLimiter handshakeTasks = OffloadLimiter.perCore();

    private final LongAdder handshakes = new LongAdder();
    private final LongAdder[] failures = new LongAdder[TlsFailure.values().length];
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder oversized = new LongAdder();
    private final LongAdder plaintextRefused = new LongAdder();
    private final LongAdder renegotiationRefused = new LongAdder();
    private final LongAdder badRecords = new LongAdder();

    public TlsCounters() {
        for (int i = 0; i < failures.length; i++) {
            failures[i] = new LongAdder();
        }
    }

    void handshakeFinished() {
        handshakes.increment();
    }

    void handshakeFailed(TlsFailure kind) {
        failures[kind.ordinal()].increment();
    }

    void timedOut() {
        timedOut.increment();
        handshakeFailed(TlsFailure.OTHER);
    }

    void oversized() {
        oversized.increment();
        handshakeFailed(TlsFailure.OTHER);
    }

    void plaintextRefused() {
        plaintextRefused.increment();
        handshakeFailed(TlsFailure.OTHER);
    }

    void badRecord() {
        badRecords.increment();
    }

    void renegotiationRefused() {
        renegotiationRefused.increment();
    }

    /** {@return what was counted so far} */
    public TlsStats snapshot() {
        Map<TlsFailure, Long> byKind = new EnumMap<>(TlsFailure.class);
        long failed = 0;
        for (TlsFailure kind : TlsFailure.values()) {
            long count = failures[kind.ordinal()].sum();
            if (count > 0) {
                byKind.put(kind, count);
                failed += count;
            }
        }
        return new TlsStats(handshakes.sum(), failed, byKind, timedOut.sum(), oversized.sum(), plaintextRefused.sum(),
                renegotiationRefused.sum(), badRecords.sum());
    }
}
