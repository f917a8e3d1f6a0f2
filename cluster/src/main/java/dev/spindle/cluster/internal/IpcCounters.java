package dev.spindle.cluster.internal;

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

    dev.spindle.cluster.IpcStats snapshot(long undelivered) {
        return new dev.spindle.cluster.IpcStats(framesSent.sum(), bytesSent.sum(), framesReceived.sum(),
                bytesReceived.sum(), undelivered);
    }
}
