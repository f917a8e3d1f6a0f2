package dev.spindle.perf.http;

import com.sun.management.ThreadMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Locale;

/**
 * Single-threaded. Heap bytes allocated between {@link #start()} and {@link #stop}, in total and by
 * the kind of platform thread they were counted on: the cross-check of JMH's {@code -prof gc}.
 *
 * <p>HotSpot counts allocation per platform thread (each has its own TLAB); a virtual thread's
 * allocation is counted on the carrier it is mounted on, and {@code getThreadAllocatedBytes} of a
 * virtual thread's id is -1. So the virtual threads' share shows up under the carriers
 * ({@code ForkJoinPool-*-worker-*}). {@code getTotalThreadAllocatedBytes} (what JMH 1.37's gc
 * profiler reads on JDK 21+) also keeps the bytes of threads that ended, which a sum over live
 * threads would miss: that difference is printed as {@code ended}.
 */
final class ThreadAllocation {

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private long[] ids;
    private long[] before;
    private long totalBefore;

    void start() {
        ids = THREADS.getAllThreadIds();
        before = THREADS.getThreadAllocatedBytes(ids);
        totalBefore = THREADS.getTotalThreadAllocatedBytes();
    }

    /** {@return one line: bytes per operation, in total and by kind of thread} */
    String stop(long operations, long clientThreadId) {
        return split(operations, clientThreadId).line();
    }

    /** {@return the bytes allocated since {@link #start()}, by kind of thread} */
    Split split(long operations, long clientThreadId) {
        long total = THREADS.getTotalThreadAllocatedBytes() - totalBefore;
        long[] nowIds = THREADS.getAllThreadIds();
        long[] now = THREADS.getThreadAllocatedBytes(nowIds);
        ThreadInfo[] infos = THREADS.getThreadInfo(nowIds, 0);
        long client = 0;
        long loop = 0;
        long carriers = 0;
        long other = 0;
        for (int i = 0; i < nowIds.length; i++) {
            if (now[i] < 0 || infos[i] == null) {
                continue;
            }
            long delta = now[i] - startOf(nowIds[i]);
            String name = infos[i].getThreadName();
            if (nowIds[i] == clientThreadId) {
                client += delta;
            } else if (name.startsWith("spindle-io-")) {
                loop += delta;
            } else if (name.startsWith("ForkJoinPool-") && name.contains("-worker-")) {
                carriers += delta;
            } else {
                other += delta;
            }
        }
        return new Split(total, client, loop, carriers, other, operations);
    }

    /**
     * Immutable. Bytes allocated in one window: in total (JMH's figure), on the client (benchmark)
     * thread, on the io loops, on virtual threads' carriers, on any other live thread, and the rest,
     * counted on threads that ended meanwhile.
     */
    record Split(long total, long client, long loop, long carriers, long other, long operations) {

        long ended() {
            return total - client - loop - carriers - other;
        }

        /** {@return everything but the client thread's bytes, per operation: the server's share in one JVM} */
        double serverPerOperation() {
            return (total - client) / (double) Math.max(1, operations);
        }

        /** {@return client bytes per operation} */
        double clientPerOperation() {
            return client / (double) Math.max(1, operations);
        }

        String line() {
            double ops = Math.max(1, operations);
            return String.format(Locale.ROOT,
                    "allocation B/op by thread: total %.1f = client %.1f + io loop %.1f + carriers (virtual threads) %.1f"
                            + " + other %.1f + ended threads %.1f  [%d ops]",
                    total / ops, client / ops, loop / ops, carriers / ops, other / ops, ended() / ops, operations);
        }
    }

    private long startOf(long id) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == id) {
                return Math.max(0, before[i]);
            }
        }
        return 0; // started during the measurement
    }
}
