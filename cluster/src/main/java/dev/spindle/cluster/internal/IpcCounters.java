package dev.spindle.cluster.internal;

import dev.spindle.cluster.IpcStats;

import java.util.concurrent.atomic.LongAdder;

/** Thread-safe. The IPC frames and bytes of every link of one process, in or out. */
final class IpcCounters {

    private final LongAdder framesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder framesReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();

    void sent(int bytes) {
        framesSent.increment();
        bytesSent.add(bytes);
    }

    void received(int bytes) {
        framesReceived.increment();
        bytesReceived.add(bytes);
    }

    IpcStats snapshot(long undelivered) {
        return new IpcStats(framesSent.sum(), bytesSent.sum(), framesReceived.sum(),
                bytesReceived.sum(), undelivered);
    }
}
