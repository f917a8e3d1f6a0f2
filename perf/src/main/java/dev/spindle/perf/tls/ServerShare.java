package dev.spindle.perf.tls;

import java.lang.management.ManagementFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Not thread-safe: one per benchmark thread. The server's share of what a benchmark does, measured
 * in the benchmark thread around the server engine's calls only: wall nanoseconds, the thread's CPU
 * nanoseconds ({@code getCurrentThreadCpuTime}: what a loaded machine's preemptions do not inflate)
 * and bytes allocated ({@code getCurrentThreadAllocatedBytes}, the research note's method); and,
 * where a benchmark can afford the clock per operation, {@code cpuNanos}: the CPU of the whole
 * operation, both ends. JMH reports the fields per iteration and sums them over the run
 * ({@code #}); divide by {@code serverOps} for a figure per operation.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class ServerShare {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public long serverNanos;
    public long serverCpuNanos;
    public long serverBytes;
    public long serverOps;
    public long cpuNanos;

    /** JMH leaves counters to the state: each iteration reports its own. */
    @Setup(Level.Iteration)
    public void reset() {
        serverNanos = 0;
        serverCpuNanos = 0;
        serverBytes = 0;
        serverOps = 0;
        cpuNanos = 0;
    }

    void add(long nanos, long cpu, long bytes) {
        serverNanos += nanos;
        serverCpuNanos += cpu;
        serverBytes += bytes;
    }

    void count(int operations) {
        serverOps += operations;
    }

    /** {@return the CPU time this thread has used so far, in nanoseconds} */
    static long cpuTime() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** {@return the bytes this thread has allocated so far} */
    static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }
}
